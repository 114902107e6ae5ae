package dev.selfconnect.vocabulary;

/**
 * One reading of {@code net.ipv4.ip_local_port_range} and {@code net.ipv4.ip_local_reserved_ports}: the ports the
 * kernel may hand a client as its source port. A server on such a port can be connected to by a client that got the
 * same port as its source: a self-connection whenever the server is down.
 */
public final class EphemeralPorts {

    private final PortRange range;
    private final ReservedPorts reserved;

    public EphemeralPorts(PortRange range, ReservedPorts reserved) {
        this.range = range;
        this.reserved = reserved;
    }

    /** Inside the range and not reserved: int compares and one bit test, nothing allocated. */
    public boolean atRisk(int port) {
        return range.contains(port) && !reserved.contains(port);
    }

    public PortRange range() {
        return range;
    }

    public ReservedPorts reserved() {
        return reserved;
    }
}
