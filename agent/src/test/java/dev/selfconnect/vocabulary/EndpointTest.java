package dev.selfconnect.vocabulary;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1,                  127.0.0.1:40000",
        "::1,                        [::1]:40000",
        "0:0:0:0:0:0:0:1,            [::1]:40000",
        "fe80::1,                    [fe80::1]:40000",
        "2001:db8:0:0:1:0:0:1,       [2001:db8::1:0:0:1]:40000",
        "2001:DB8::0001,             [2001:db8::1]:40000",
        "::ffff:127.0.0.1,           127.0.0.1:40000",
    })
    void ipv6EndpointsAreBracketedAndCompressed(String address, String endpoint) throws Exception {
        assertEquals(endpoint, Endpoint.format(ip(address), 40000));
    }

    @Test
    void theZoneOfAScopedIpv6AddressIsLeftOut() throws Exception {
        InetAddress scoped = Inet6Address.getByAddress(null, ip("fe80::1").getAddress(), 3);
        assertTrue(scoped.getHostAddress().endsWith("%3"), scoped.getHostAddress());

        assertEquals("[fe80::1]:40000", Endpoint.format(scoped, 40000));
        assertEquals("fe80::1", Endpoint.address(scoped));
    }

    @Test
    void noAddressNoEndpoint() {
        assertNull(Endpoint.format(null, 1));
        assertNull(Endpoint.address(null));
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
        // RFC 5952 4.3: lower case, no leading zeros
        "2001:0DB8:0:0:0:0:0:00A1, 2001:db8::a1",
    })
    void compressIpv6FollowsRfc5952(String eightGroups, String compressed) {
        assertEquals(compressed, Endpoint.compressIpv6(eightGroups));
    }

    @Test
    void anIpv4MappedAddressIsTheSameAsItsIpv4Form() throws Exception {
        InetAddress mapped = Inet6Address.getByAddress(null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1,
            127, 0, 0, 1}, -1);

        assertTrue(Endpoint.sameAddress(mapped, ip("127.0.0.1")));
        assertTrue(Endpoint.sameAddress(ip("127.0.0.1"), mapped));
        assertEquals(ip("127.0.0.1"), Endpoint.mappedIpv4(mapped));
        assertFalse(Endpoint.sameAddress(mapped, ip("127.0.0.2")));
        assertFalse(Endpoint.sameAddress(ip("::1"), ip("127.0.0.1")));
        assertFalse(Endpoint.sameAddress(null, ip("127.0.0.1")));
        assertNull(Endpoint.mappedIpv4(ip("::1")));
        assertNull(Endpoint.mappedIpv4(ip("127.0.0.1")));
    }

    @Test
    void theHostNameIsTheOneTheApplicationGaveWithoutALookup() throws Exception {
        assertEquals("db.local", Endpoint.hostName(InetAddress.getByAddress("db.local", new byte[] {127, 0, 0, 1})));
        assertNull(Endpoint.hostName(ip("127.0.0.1")));
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }
}
