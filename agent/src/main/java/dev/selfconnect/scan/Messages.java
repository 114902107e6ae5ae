package dev.selfconnect.scan;

/** The words of each finding, as the agent's records word them, with the process in place of the thread. */
final class Messages {

    private Messages() {
    }

    static String local(Finding finding) {
        return Endpoints.format(finding.socket.localAddress, finding.socket.localPort);
    }

    /** Null for a listener. */
    static String remote(Finding finding) {
        return Finding.RISK_LISTEN.equals(finding.kind) ? null
                : Endpoints.format(finding.socket.remoteAddress, finding.socket.remotePort);
    }

    static String message(NamespaceScan namespace, Finding finding) {
        PortSettings ports = namespace.ports;
        int port = finding.port();
        String exposure = ports == null ? null : "port " + port + " lies in the ephemeral port range " + ports.range()
                + " (net.ipv4.ip_local_port_range) and is not reserved";
        String text;
        if (Finding.SELF_CONNECTION.equals(finding.kind)) {
            text = "self-connection " + local(finding) + " -> " + remote(finding) + " held by "
                    + finding.ownerDescription() + ": the socket is connected to itself, so its process reads back"
                    + " what it writes and holds port " + port + " against the server meant to listen there";
            if (ports == null) {
                text += " (the namespace's ephemeral port range could not be read)";
            } else if (ports.ephemeral(port)) {
                text += "; " + exposure;
            } else {
                text += "; port " + port + (ports.inRange(port) ? " is reserved (since the connection was made, or its"
                        + " client bound the port itself)" : " lies outside the ephemeral port range " + ports.range()
                        + " (its client bound the port itself, or the range changed since)")
                        + ": close the connection or restart its process";
            }
        } else if (Finding.RISK_LISTEN.equals(finding.kind)) {
            text = finding.ownerDescription() + " listens on " + local(finding) + ": " + exposure
                    + ", so any local client may get it as its source port and hold it while this server restarts";
        } else {
            text = finding.ownerDescription() + " is connected from " + local(finding) + " to " + remote(finding)
                    + ": " + exposure + ", so this client connects to itself whenever nothing listens there";
        }
        String fix = namespace.fix();
        return fix == null || ports == null || !ports.ephemeral(port) ? text : text + "; " + fix;
    }
}
