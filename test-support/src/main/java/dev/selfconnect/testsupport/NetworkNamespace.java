package dev.selfconnect.testsupport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The private network namespace a child JVM runs in ({@code unshare -rn}, no root needed): loopback up and an
 * ephemeral port range the test chooses, so that a connect to a port of a one-port range where nothing listens
 * self-connects on the first attempt.
 */
public final class NetworkNamespace {

    /** One port: a connect to 127.0.0.1:40000 self-connects on the first attempt. */
    public static final String ONE_PORT = "40000 40000";

    private static final Pattern RANGE = Pattern.compile("[0-9]+[ \t]+[0-9]+");
    private static final long PROBE_SECONDS = 10;
    private static Boolean works;

    private NetworkNamespace() {
    }

    /**
     * The command that runs {@code program} in a fresh namespace with this ephemeral port range, after the extra
     * shell commands {@code setup} (run as the namespace's root: interfaces, routes; empty for none). Skips (under CI
     * fails) the calling test where {@code unshare -rn} does not work.
     */
    public static List<String> command(String portRange, String setup, List<String> program) {
        require();
        if (!RANGE.matcher(portRange).matches()) {
            throw new IllegalArgumentException("a port range is two numbers, \"FIRST LAST\": " + portRange);
        }
        List<String> command = new ArrayList<>(List.of("unshare", "-rn", "sh", "-c",
                "ip link set lo up && echo '" + portRange + "' > /proc/sys/net/ipv4/ip_local_port_range && "
                        + (setup.isEmpty() ? "" : setup + " && ") + "exec \"$@\"", "sh"));
        command.addAll(program);
        return command;
    }

    /** Skips (under CI fails) the calling test where {@code unshare -rn} does not work. */
    public static void require() {
        Preconditions.require(works(), "'unshare -rn' does not work here",
                "these tests need a private network namespace (user namespaces enabled, util-linux's unshare)");
    }

    public static synchronized boolean works() {
        if (works == null) {
            try {
                Process probe = new ProcessBuilder("unshare", "-rn", "true").redirectErrorStream(true).start();
                works = probe.waitFor(PROBE_SECONDS, TimeUnit.SECONDS) && probe.exitValue() == 0;
                probe.destroyForcibly();
            } catch (IOException e) {
                works = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                works = false;
            }
        }
        return works;
    }
}
