package dev.selfconnect.scan;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** What a scan found in one network namespace. */
final class NamespaceScan {

    /** "net:[4026531840]", or "net:? (pid 123)" when the namespace link cannot be read. */
    final String name;
    /** The process whose /proc entries were read; "self" for the scanner's own namespace. */
    final String via;
    final boolean own;
    /** Null when the namespace's sysctls could not be read: then listeners are not judged. */
    PortSettings ports;
    String portsProblem;
    int sockets;
    final List<Finding> findings = new ArrayList<Finding>();
    /** Processes in the namespace whose descriptors this user may not list. */
    int processesDenied;
    final List<String> problems = new ArrayList<String>();

    NamespaceScan(String name, String via, boolean own) {
        this.name = name;
        this.via = via;
        this.own = own;
    }

    int count(String kind) {
        int n = 0;
        for (Finding finding : findings) {
            n += finding.kind.equals(kind) ? 1 : 0;
        }
        return n;
    }

    int unowned() {
        int n = 0;
        for (Finding finding : findings) {
            n += finding.pid == null ? 1 : 0;
        }
        return n;
    }

    /** The ports a reservation fixes: every finding's port that is inside the range and not yet reserved. */
    TreeSet<Integer> portsToReserve() {
        TreeSet<Integer> ports = new TreeSet<Integer>();
        if (this.ports != null) {
            for (Finding finding : findings) {
                if (this.ports.ephemeral(finding.port())) {
                    ports.add(finding.port());
                }
            }
        }
        return ports;
    }

    /** The one command that reserves them all, run inside this namespace; null when there is nothing to reserve. */
    String reserveCommand() {
        TreeSet<Integer> ports = portsToReserve();
        if (ports.isEmpty()) {
            return null;
        }
        return (own ? "" : "nsenter --net=/proc/" + via + "/ns/net ")
                + "sysctl -w net.ipv4.ip_local_reserved_ports=" + this.ports.reservedWith(ports);
    }

    /**
     * A finding's fix, as the agent words it; its command reserves every port of the namespace, so that applying one
     * finding's fix does not undo another's (the sysctl replaces the whole list).
     */
    String fix() {
        String command = reserveCommand();
        return command == null ? null : "reserve it with '" + command + "' (persist it in /etc/sysctl.d), or move it"
                + " out of " + ports.range();
    }

    /** The namespace's one fix line, as the agent's exit summary words it. */
    String summaryFix() {
        String command = reserveCommand();
        return command == null ? null : command + " (persist it in /etc/sysctl.d), or move these ports out of "
                + ports.range();
    }
}
