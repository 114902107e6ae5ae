package dev.selfconnect.scan;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** IPv6 endpoints as RFC 5952 writes them: lower case, no leading zeros, the longest zero run as "::". */
class EndpointsTest {

    private static String v6(String address) throws Exception {
        return Endpoints.format(InetAddress.getByName(address).getAddress(), 1);
    }

    @Test
    void rfc5952() throws Exception {
        assertEquals("127.0.0.1:40000", Endpoints.format(new byte[] {127, 0, 0, 1}, 40000));
        assertEquals("[::1]:1", v6("0:0:0:0:0:0:0:1"));
        assertEquals("[::]:1", v6("::"));
        assertEquals("[2001:db8::1]:1", v6("2001:0db8:0:0:0:0:0:1"));
        assertEquals("[2001:db8:0:1:1:1:1:1]:1", v6("2001:db8:0:1:1:1:1:1"));
        assertEquals("[2001:0:0:1::1]:1", v6("2001:0:0:1:0:0:0:1"));
        assertEquals("[2001:db8::1:0:0:1]:1", v6("2001:db8:0:0:1:0:0:1"));
        assertEquals("[fe80::abcd]:1", v6("FE80:0:0:0:0:0:0:ABCD"));
        assertEquals("[1::]:1", v6("1:0:0:0:0:0:0:0"));
    }
}
