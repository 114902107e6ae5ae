package dev.selfconnect.scan;

import dev.selfconnect.vocabulary.EphemeralPorts;
import dev.selfconnect.vocabulary.EventKind;
import dev.selfconnect.vocabulary.Remedy;

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
    EphemeralPorts ports;
    String portsProblem;
    int sockets;
    final List<Finding> findings = new ArrayList<Finding>();
    /** Processes in the namespace whose descriptors this user may not list. */
    int processesDenied;
    final List<String> problems = new ArrayList<String>();
    /**
     * The Kubernetes pod whose network namespace this is ("shop/orders-7d9f-x2v", or "uid ..." where only the cgroup
     * names it), as a finding's owner tells it; null where no owner does. A pod's containers share one namespace.
     */
    String pod;

    NamespaceScan(String name, String via, boolean own) {
        this.name = name;
        this.via = via;
        this.own = own;
    }

    int count(EventKind kind) {
        int n = 0;
        for (Finding finding : findings) {
            n += finding.kind == kind ? 1 : 0;
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
                if (this.ports.atRisk(finding.port())) {
                    ports.add(finding.port());
                }
            }
        }
        return ports;
    }

    /**
     * The namespace's one fix, in the agent's words, run inside the namespace; null when nothing needs reserving. Its
     * command reserves every port of the namespace, so that applying any finding's fix undoes no other's (the sysctl
     * replaces the whole list).
     */
    String fix() {
        TreeSet<Integer> ports = portsToReserve();
        return ports.isEmpty() ? null
                : Remedy.forPortsIn(own ? "" : "nsenter --net=/proc/" + via + "/ns/net ", this.ports, ports);
    }
}
