package dev.selfconnect.audit;

import java.util.Collections;

/**
 * One reading of {@code net.ipv4.ip_local_port_range} and {@code net.ipv4.ip_local_reserved_ports}: the ports the
 * kernel may hand a client as its source port. A server on such a port can be connected to by a client that got the
 * same port as its source: a self-connection whenever the server is down.
 */
final class EphemeralPorts {

    final int low;
    final int high;
    final ReservedPorts reserved;

    EphemeralPorts(int low, int high, ReservedPorts reserved) {
        this.low = low;
        this.high = high;
        this.reserved = reserved;
    }

    /** Inside the range and not reserved: int compares and one bit test, nothing allocated. */
    boolean atRisk(int port) {
        return port >= low && port <= high && !reserved.contains(port);
    }

    String range() {
        return low + "-" + high;
    }

    /** The fix, as a command an operator can paste: the reserved list as it is, plus this port. */
    String reserveCommand(int port) {
        return "sysctl -w net.ipv4.ip_local_reserved_ports=" + reserved.with(Collections.singletonList(port));
    }

    /** The fix for a port, in words and as a command. */
    String fix(int port) {
        return "reserve it with '" + reserveCommand(port) + "' (persist it in /etc/sysctl.d), or move it out of "
                + range();
    }
}
