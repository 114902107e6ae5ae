package dev.selfconnect.detection;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** One observed self-connection: what connected to itself, through which API, on which thread, from where. */
public final class SelfConnection {

    private final InetSocketAddress endpoint;
    private final String api;
    private final String thread;
    private final StackTraceElement[] stack;
    private final PortRange ephemeralRange;

    public SelfConnection(InetAddress address, int port, String api, String thread,
                          StackTraceElement[] stack, PortRange ephemeralRange) {
        this.endpoint = new InetSocketAddress(address, port);
        this.api = api;
        this.thread = thread;
        this.stack = stack;
        this.ephemeralRange = ephemeralRange;
    }

    public String api() {
        return api;
    }

    public String thread() {
        return thread;
    }

    public StackTraceElement[] stack() {
        return stack;
    }

    public int port() {
        return endpoint.getPort();
    }

    /** "127.0.0.1:40000 -> 127.0.0.1:40000": local, then remote endpoint. */
    public String describe() {
        String text = endpointText();
        return text + " -> " + text;
    }

    /** Why this happened and how to prevent it, for the report and the exception message alike. */
    public String explanation() {
        int port = port();
        if (ephemeralRange == null) {
            return "nothing listens on " + port + ", and the kernel handed that same port to this client as its"
                    + " source port (move the server to a port outside net.ipv4.ip_local_port_range,"
                    + " or reserve it in net.ipv4.ip_local_reserved_ports)";
        }
        return "nothing listens on " + port + ", which lies in the ephemeral port range " + ephemeralRange
                + " (reserve it in net.ipv4.ip_local_reserved_ports or move the server out of the range)";
    }

    /** The message of the SelfConnectException thrown into the application. */
    public String exceptionMessage() {
        return "Connection refused: self-connection " + describe() + "; " + explanation();
    }

    private String endpointText() {
        InetAddress address = endpoint.getAddress();
        String host = address.getHostAddress();
        if (host.indexOf(':') >= 0) {
            int zone = host.indexOf('%');
            return "[" + compressIpv6(zone < 0 ? host : host.substring(0, zone)) + "]:" + endpoint.getPort();
        }
        return host + ":" + endpoint.getPort();
    }

    /** Java writes all eight groups ("0:0:0:0:0:0:0:1"); people read the RFC 5952 form ("::1"). */
    static String compressIpv6(String eightGroups) {
        String[] groups = eightGroups.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestStart < 0) {
            return eightGroups;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bestStart; i++) {
            sb.append(groups[i]).append(i + 1 < bestStart ? ":" : "");
        }
        sb.append("::");
        for (int i = bestStart + bestLength; i < groups.length; i++) {
            sb.append(groups[i]).append(i + 1 < groups.length ? ":" : "");
        }
        return sb.toString();
    }
}
