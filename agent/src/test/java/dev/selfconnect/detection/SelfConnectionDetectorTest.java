package dev.selfconnect.detection;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.Locale;

import static dev.selfconnect.detection.SelfConnectionDetector.isSelfConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SelfConnectionDetectorTest {

    private static final InetAddress LOOPBACK_V4 = ip("127.0.0.1");
    private static final InetAddress LOOPBACK_V6 = ip("::1");

    @Test
    void equalEndpointsAreASelfConnection() {
        assertTrue(isSelfConnection(ip("127.0.0.1"), 40000, ip("127.0.0.1"), 40000));
        assertTrue(isSelfConnection(LOOPBACK_V6, 40000, ip("0:0:0:0:0:0:0:1"), 40000));
        assertTrue(isSelfConnection(ip("10.1.2.3"), 1, ip("10.1.2.3"), 1));
    }

    @Test
    void differentPortsAreNotASelfConnection() {
        assertFalse(isSelfConnection(LOOPBACK_V4, 40000, LOOPBACK_V4, 40001));
    }

    @Test
    void differentAddressesAreNotASelfConnection() {
        assertFalse(isSelfConnection(ip("127.0.0.1"), 40000, ip("127.0.0.2"), 40000));
    }

    @Test
    void portZeroIsNotASelfConnection() {
        assertFalse(isSelfConnection(LOOPBACK_V4, 0, LOOPBACK_V4, 0));
    }

    @Test
    void missingAddressIsNotASelfConnection() {
        assertFalse(isSelfConnection(null, 40000, LOOPBACK_V4, 40000));
        assertFalse(isSelfConnection(LOOPBACK_V4, 40000, null, 40000));
        assertFalse(isSelfConnection(null, 40000, null, 40000));
    }

    @Test
    void ipv4MappedIpv6AddressEqualsItsIpv4Form() throws Exception {
        InetAddress mapped = ipv4Mapped(127, 0, 0, 1);

        assertTrue(isSelfConnection(mapped, 40000, LOOPBACK_V4, 40000));
        assertTrue(isSelfConnection(LOOPBACK_V4, 40000, mapped, 40000));
    }

    @Test
    void ipv4MappedIpv6AddressDiffersFromAnotherIpv4Address() throws Exception {
        assertFalse(isSelfConnection(ipv4Mapped(127, 0, 0, 2), 40000, LOOPBACK_V4, 40000));
    }

    @Test
    void ipv6AddressEndingLikeAMappedOneIsNotItsIpv4Form() {
        // ::1:ffff:127.0.0.1 has ffff and the IPv4 bytes in place, but a non-zero prefix: it is not ::ffff:0:0/96.
        assertFalse(isSelfConnection(ip("::1:ffff:7f00:1"), 40000, LOOPBACK_V4, 40000));
    }

    @Test
    void ipv6LoopbackDiffersFromIpv4Loopback() {
        assertFalse(isSelfConnection(LOOPBACK_V6, 40000, LOOPBACK_V4, 40000));
        assertFalse(isSelfConnection(LOOPBACK_V4, 40000, LOOPBACK_V6, 40000));
    }

    @Test
    void ipv4CompatibleIpv6AddressDiffersFromItsIpv4Form() throws Exception {
        // ::127.0.0.1 (deprecated "IPv4-compatible") is not ::ffff:127.0.0.1.
        byte[] bytes = new byte[16];
        bytes[12] = 127;
        bytes[15] = 1;
        InetAddress compatible = Inet6Address.getByAddress(null, bytes, -1);

        assertFalse(isSelfConnection(compatible, 40000, LOOPBACK_V4, 40000));
    }

    @Test
    void realConnectionToALoopbackServerIsNotASelfConnection() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK_V4);
             Socket client = new Socket(LOOPBACK_V4, server.getLocalPort());
             Socket accepted = server.accept()) {
            assertFalse(isSelfConnection(client.getLocalAddress(), client.getLocalPort(),
                    client.getInetAddress(), client.getPort()));
            assertFalse(isSelfConnection(accepted.getLocalAddress(), accepted.getLocalPort(),
                    accepted.getInetAddress(), accepted.getPort()));
        }
    }

    @Test
    void realSelfConnectionIsDetected() throws IOException {
        // Linux completes a connect from 127.0.0.1:P to 127.0.0.1:P with nobody listening (TCP simultaneous open).
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK_V4)) {
            port = probe.getLocalPort();
        }
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(LOOPBACK_V4, port));
            socket.connect(new InetSocketAddress(LOOPBACK_V4, port), 5000);

            assertEquals(socket.getLocalPort(), socket.getPort());
            assertTrue(isSelfConnection(socket.getLocalAddress(), socket.getLocalPort(),
                    socket.getInetAddress(), socket.getPort()));
        }
    }

    /** {@code ::ffff:a.b.c.d} as an Inet6Address: InetAddress.getByName would turn it into an Inet4Address. */
    private static InetAddress ipv4Mapped(int a, int b, int c, int d) throws UnknownHostException {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        bytes[12] = (byte) a;
        bytes[13] = (byte) b;
        bytes[14] = (byte) c;
        bytes[15] = (byte) d;
        InetAddress mapped = Inet6Address.getByAddress(null, bytes, -1);
        assertInstanceOf(Inet6Address.class, mapped);
        return mapped;
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
