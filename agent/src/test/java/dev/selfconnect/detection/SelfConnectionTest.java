package dev.selfconnect.detection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelfConnectionTest {

    private static final PortRange LINUX_DEFAULT_RANGE = new PortRange(32768, 60999);

    @Test
    void describeShowsLocalThenRemoteEndpoint() throws Exception {
        assertEquals("127.0.0.1:40000 -> 127.0.0.1:40000", connection(ip("127.0.0.1"), LINUX_DEFAULT_RANGE).describe());
    }

    @Test
    void accessorsReturnWhatWasObserved() throws Exception {
        StackTraceElement[] stack = {new StackTraceElement("com.example.App", "main", "App.java", 7)};
        SelfConnection connection = new SelfConnection(ip("127.0.0.1"), 40000, "Socket.connect", "worker-1",
                stack, LINUX_DEFAULT_RANGE);

        assertEquals(40000, connection.port());
        assertEquals("Socket.connect", connection.api());
        assertEquals("worker-1", connection.thread());
        assertSame(stack, connection.stack());
    }

    @Test
    void explanationNamesTheKnownEphemeralRange() throws Exception {
        assertEquals("nothing listens on 40000, which lies in the ephemeral port range 32768-60999"
                        + " (reserve it in net.ipv4.ip_local_reserved_ports or move the server out of the range)",
                connection(ip("127.0.0.1"), LINUX_DEFAULT_RANGE).explanation());
    }

    @Test
    void explanationWithoutAKnownRangeStillSaysWhatToDo() throws Exception {
        assertEquals("nothing listens on 40000, and the kernel handed that same port to this client as its source"
                        + " port (move the server to a port outside net.ipv4.ip_local_port_range,"
                        + " or reserve it in net.ipv4.ip_local_reserved_ports)",
                connection(ip("127.0.0.1"), null).explanation());
    }

    @Test
    void exceptionMessageReadsAsConnectionRefusedAndExplains() throws Exception {
        String message = connection(ip("127.0.0.1"), LINUX_DEFAULT_RANGE).exceptionMessage();

        assertTrue(message.startsWith("Connection refused: self-connection 127.0.0.1:40000 -> 127.0.0.1:40000;"
                + " nothing listens on 40000, which lies in the ephemeral port range 32768-60999 (reserve it in"
                + " net.ipv4.ip_local_reserved_ports or move the server out of the range)"), message);
    }

    @Test
    void exceptionMessageWithoutAKnownRangeCarriesTheGenericExplanation() throws Exception {
        SelfConnection connection = connection(ip("127.0.0.1"), null);

        assertEquals("Connection refused: self-connection 127.0.0.1:40000 -> 127.0.0.1:40000; "
                + connection.explanation(), connection.exceptionMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "::1,                        [::1]:40000",
        "0:0:0:0:0:0:0:1,            [::1]:40000",
        "fe80::1,                    [fe80::1]:40000",
        "2001:db8:0:0:1:0:0:1,       [2001:db8::1:0:0:1]:40000",
        "2001:DB8::0001,             [2001:db8::1]:40000",
        "::ffff:127.0.0.1,           127.0.0.1:40000",
    })
    void ipv6EndpointsAreBracketedAndCompressed(String address, String endpoint) throws Exception {
        assertEquals(endpoint + " -> " + endpoint, connection(ip(address), LINUX_DEFAULT_RANGE).describe());
    }

    @Test
    void zoneOfAScopedIpv6AddressIsLeftOut() throws Exception {
        InetAddress scoped = Inet6Address.getByAddress(null, ip("fe80::1").getAddress(), 3);
        assertTrue(scoped.getHostAddress().endsWith("%3"), scoped.getHostAddress());

        assertEquals("[fe80::1]:40000 -> [fe80::1]:40000", connection(scoped, LINUX_DEFAULT_RANGE).describe());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // RFC 5952 4.2.1: as short as possible
        "2001:db8:0:0:0:0:2:1,  2001:db8::2:1",
        // RFC 5952 4.2.2: a single 16-bit 0 field is not shortened
        "2001:db8:0:1:1:1:1:1,  2001:db8:0:1:1:1:1:1",
        // RFC 5952 4.2.3: the longest run is shortened
        "2001:0:0:1:0:0:0:1,    2001:0:0:1::1",
        // RFC 5952 4.2.3: on equal runs, the first is shortened
        "2001:db8:0:0:1:0:0:1,  2001:db8::1:0:0:1",
        "0:0:0:0:0:0:0:1,       ::1",
        "0:0:0:0:0:0:0:0,       ::",
        "1:0:0:0:0:0:0:0,       1::",
        "fe80:0:0:0:0:0:0:1,    fe80::1",
        "1:0:1:0:1:0:1:0,       1:0:1:0:1:0:1:0",
        "1:2:3:4:5:6:7:8,       1:2:3:4:5:6:7:8",
    })
    void compressIpv6FollowsRfc5952(String eightGroups, String compressed) {
        assertEquals(compressed, SelfConnection.compressIpv6(eightGroups));
    }

    private static SelfConnection connection(InetAddress address, PortRange range) {
        return new SelfConnection(address, 40000, "Socket.connect", "main", new StackTraceElement[0], range);
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }
}
