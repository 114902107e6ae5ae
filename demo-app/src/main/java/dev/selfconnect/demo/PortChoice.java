package dev.selfconnect.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The port the demo targets when none is given: a free, unreserved even port inside the ephemeral range,
 * because Linux hands out even source ports first, so a loop of connects reaches it in seconds.
 */
record PortChoice(int port, String reason) {

    static PortChoice byDefault(Path rangeFile, InetAddress host) throws IOException, UsageException {
        if (!Files.exists(rangeFile)) {
            throw new UsageException(rangeFile + " does not exist: this does not look like Linux, so the demo"
                    + " cannot find the ephemeral port range; pass --port N, an even port inside it");
        }
        EphemeralPortRange range = EphemeralPortRange.read(rangeFile);
        ReservedPorts reserved = ReservedPorts.nextTo(rangeFile);
        if (range.isSinglePort()) {
            if (reserved.contains(range.first())) {
                throw new UsageException("the only port of the ephemeral port range " + range + " is reserved"
                        + " (net.ipv4.ip_local_reserved_ports = " + reserved + "), so Linux never hands it out as a"
                        + " source port and nothing can self-connect: widen the range or unreserve the port");
            }
            return new PortChoice(range.first(), "the only port of the ephemeral port range " + range);
        }
        return new PortChoice(freeEvenPort(range, reserved, host),
                "a free even port of the ephemeral port range " + range
                        + (reserved.isEmpty() ? "" : ", not reserved"));
    }

    /** Starts at a random even port so that concurrent runs rarely pick the same one. */
    static int freeEvenPort(EphemeralPortRange range, ReservedPorts reserved, InetAddress host) throws IOException {
        int firstEven = range.first() + range.first() % 2;
        int evenPorts = firstEven > range.last() ? 0 : (range.last() - firstEven) / 2 + 1;
        int start = evenPorts == 0 ? 0 : ThreadLocalRandom.current().nextInt(evenPorts);
        for (int i = 0; i < evenPorts; i++) {
            int port = firstEven + 2 * ((start + i) % evenPorts);
            if (!reserved.contains(port) && isFree(host, port)) {
                return port;
            }
        }
        throw new IOException("no free even port in the ephemeral port range " + range
                + (reserved.isEmpty() ? "" : " that is not reserved (net.ipv4.ip_local_reserved_ports = "
                + reserved + ")"));
    }

    /**
     * Free: nothing is bound to it, not even an outgoing connection's source port or a closed connection waiting
     * in TIME_WAIT (a bind without SO_REUSEADDR fails on those too). The probe is a client socket, bound and never
     * connected: a server socket bound to a port inside the range would itself be an exposure the agent reports.
     */
    static boolean isFree(InetAddress host, int port) {
        try (Socket probe = new Socket()) {
            probe.setReuseAddress(false);
            probe.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
