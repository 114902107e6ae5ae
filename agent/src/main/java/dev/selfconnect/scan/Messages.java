package dev.selfconnect.scan;

import dev.selfconnect.vocabulary.Endpoint;
import dev.selfconnect.vocabulary.EphemeralPorts;
import dev.selfconnect.vocabulary.EventKind;
import dev.selfconnect.vocabulary.Remedy;

/** The words of each finding, as the agent's records word them, with the process in place of the thread. */
final class Messages {

    private Messages() {
    }

    static String local(Finding finding) {
        return Endpoint.format(TcpSocket.inet(finding.socket.localAddress), finding.socket.localPort);
    }

    /** Null for a listener. */
    static String remote(Finding finding) {
        return finding.kind == EventKind.RISK_LISTEN ? null
                : Endpoint.format(TcpSocket.inet(finding.socket.remoteAddress), finding.socket.remotePort);
    }

    static String message(NamespaceScan namespace, Finding finding) {
        EphemeralPorts ports = namespace.ports;
        int port = finding.port();
        String exposure = ports == null ? null : "port " + port + " lies in the ephemeral port range " + ports.range()
                + " (" + Remedy.RANGE_SETTING + ") and is not reserved";
        String text;
        if (finding.kind == EventKind.SELF_CONNECTION) {
            text = "self-connection " + local(finding) + " -> " + remote(finding) + " held by "
                    + finding.ownerDescription() + ": the socket is connected to itself, so its process reads back"
                    + " what it writes and holds port " + port + " against the server meant to listen there";
            if (ports == null) {
                text += " (the namespace's ephemeral port range could not be read)";
            } else if (ports.atRisk(port)) {
                text += "; " + exposure;
            } else {
                text += "; port " + port + (ports.range().contains(port) ? " is reserved (since the connection was made, or its"
                        + " client bound the port itself)" : " lies outside the ephemeral port range " + ports.range()
                        + " (its client bound the port itself, or the range changed since)")
                        + ": close the connection or restart its process";
            }
        } else if (finding.kind == EventKind.RISK_LISTEN) {
            text = finding.ownerDescription() + " listens on " + local(finding) + ": " + exposure
                    + ", so any local client may get it as its source port and hold it while this server restarts";
        } else {
            text = finding.ownerDescription() + " is connected from " + local(finding) + " to " + remote(finding)
                    + ": " + exposure + ", so this client connects to itself whenever nothing listens there";
        }
        String fix = namespace.fix();
        return fix == null || ports == null || !ports.atRisk(port) ? text : text + "; " + fix;
    }
}
