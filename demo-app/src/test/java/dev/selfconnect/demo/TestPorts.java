package dev.selfconnect.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for tests, found by binding for real. */
final class TestPorts {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private TestPorts() {
    }

    /** A free odd port where nothing listens: Linux hands out even source ports first, so it never self-connects in a few attempts. */
    static int freeOddPort() {
        return freePort(1);
    }

    static int freeEvenPort() {
        return freePort(0);
    }

    private static int freePort(int parity) {
        for (int i = 0; i < 100; i++) {
            int port = anyFreePort();
            int candidate = port % 2 == parity ? port : port + 1;
            if (candidate <= 65535 && PortChoice.isFree(LOOPBACK, candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free port found");
    }

    private static int anyFreePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
