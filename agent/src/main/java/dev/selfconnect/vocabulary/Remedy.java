package dev.selfconnect.vocabulary;

import java.util.Collection;
import java.util.Collections;

/** What to do about a port at risk, in one wording for the records, the exception, the summary and the scan. */
public final class Remedy {

    public static final String RANGE_SETTING = "net.ipv4.ip_local_port_range";
    public static final String RESERVED_SETTING = "net.ipv4.ip_local_reserved_ports";

    private Remedy() {
    }

    /** The command an operator pastes: the reserved list in force plus these ports (the sysctl replaces the list). */
    public static String reserveCommand(EphemeralPorts ports, Collection<Integer> atRisk) {
        return "sysctl -w " + RESERVED_SETTING + "=" + ports.reserved().with(atRisk);
    }

    /** "reserve it with 'sysctl -w ...' (persist it in /etc/sysctl.d), or move it out of 32768-60999". */
    public static String forPort(EphemeralPorts ports, int port) {
        return forPorts(ports, Collections.singletonList(port));
    }

    /** As {@link #forPort}, for several ports: "reserve them with '...' ..., or move them out of ...". */
    public static String forPorts(EphemeralPorts ports, Collection<Integer> atRisk) {
        return forPortsIn("", ports, atRisk);
    }

    /**
     * As {@link #forPorts}, for a network namespace that is not the reader's own: {@code enter} precedes the command,
     * "nsenter --net=/proc/42/ns/net " for example ("" for the reader's own namespace).
     */
    public static String forPortsIn(String enter, EphemeralPorts ports, Collection<Integer> atRisk) {
        String them = atRisk.size() == 1 ? "it" : "them";
        return "reserve " + them + " with '" + enter + reserveCommand(ports, atRisk) + "' (persist it in"
                + " /etc/sysctl.d), or move " + them + " out of " + ports.range();
    }

    /** Where the kernel files cannot be read: the same advice without the numbers. */
    public static String withoutKernelFiles(int port) {
        return "reserve " + port + " in " + RESERVED_SETTING + ", or move the server out of " + RANGE_SETTING;
    }
}
