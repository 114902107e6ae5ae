package dev.selfconnect.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IgnoreListTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void blankValueIsTheEmptyList(String value) throws Exception {
        IgnoreList list = IgnoreList.parse(value);

        assertSame(IgnoreList.EMPTY, list);
        assertTrue(list.isEmpty());
        assertEquals("none", list.toString());
        assertFalse(list.matches(ip("127.0.0.1"), 8080));
    }

    @Test
    void portMatchesThatPortOnAnyAddress() throws Exception {
        IgnoreList list = IgnoreList.parse("8080");

        assertTrue(list.matches(ip("127.0.0.1"), 8080));
        assertTrue(list.matches(ip("10.0.0.1"), 8080));
        assertTrue(list.matches(ip("::1"), 8080));
        assertFalse(list.matches(ip("127.0.0.1"), 8081));
    }

    @Test
    void rangeMatchesBothBoundsAndNothingOutside() throws Exception {
        IgnoreList list = IgnoreList.parse("9000-9100");

        assertTrue(list.matches(ip("127.0.0.1"), 9000));
        assertTrue(list.matches(ip("127.0.0.1"), 9050));
        assertTrue(list.matches(ip("127.0.0.1"), 9100));
        assertFalse(list.matches(ip("127.0.0.1"), 8999));
        assertFalse(list.matches(ip("127.0.0.1"), 9101));
    }

    @Test
    void singlePortRangeIsAccepted() throws Exception {
        IgnoreList list = IgnoreList.parse("1-1");

        assertTrue(list.matches(ip("127.0.0.1"), 1));
        assertFalse(list.matches(ip("127.0.0.1"), 2));
    }

    @Test
    void extremePortsAreAccepted() throws Exception {
        IgnoreList list = IgnoreList.parse("1,65535");

        assertTrue(list.matches(ip("127.0.0.1"), 1));
        assertTrue(list.matches(ip("127.0.0.1"), 65535));
    }

    @Test
    void ipv4EndpointMatchesOnlyThatAddressAndPort() throws Exception {
        IgnoreList list = IgnoreList.parse("127.0.0.1:40000");

        assertTrue(list.matches(ip("127.0.0.1"), 40000));
        assertFalse(list.matches(ip("127.0.0.2"), 40000));
        assertFalse(list.matches(ip("::1"), 40000));
        assertFalse(list.matches(ip("127.0.0.1"), 40001));
    }

    @Test
    void ipv6EndpointMatchesOnlyThatAddressAndPort() throws Exception {
        IgnoreList list = IgnoreList.parse("[::1]:40000,[2001:db8::1]:443");

        assertTrue(list.matches(ip("::1"), 40000));
        assertTrue(list.matches(ip("2001:db8:0:0:0:0:0:1"), 443));
        assertFalse(list.matches(ip("127.0.0.1"), 40000));
        assertFalse(list.matches(ip("::1"), 443));
        assertFalse(list.matches(ip("2001:db8::2"), 443));
    }

    @Test
    void localhostMatchesEveryLoopbackAddress() throws Exception {
        IgnoreList list = IgnoreList.parse("localhost:40000");

        assertTrue(list.matches(ip("127.0.0.1"), 40000));
        assertTrue(list.matches(ip("127.0.0.2"), 40000));
        assertTrue(list.matches(ip("::1"), 40000));
        assertFalse(list.matches(ip("10.0.0.1"), 40000));
        assertFalse(list.matches(ip("127.0.0.1"), 40001));
    }

    @Test
    void entriesAreTrimmedAndToStringJoinsThem() throws Exception {
        IgnoreList list = IgnoreList.parse(" 8080 , 9000-9100,127.0.0.1:80 , [::1]:81,localhost:82");

        assertEquals("8080,9000-9100,127.0.0.1:80,[::1]:81,localhost:82", list.toString());
        assertFalse(list.isEmpty());
    }

    @Test
    void anyEntryOfTheListCanMatch() throws Exception {
        IgnoreList list = IgnoreList.parse("8080,127.0.0.2:9090");

        assertTrue(list.matches(ip("10.0.0.1"), 8080));
        assertTrue(list.matches(ip("127.0.0.2"), 9090));
        assertFalse(list.matches(ip("127.0.0.1"), 9090));
    }

    @ParameterizedTest
    @ValueSource(strings = {"80x", "0", "65536", "99999", "123456", "9000-8000", "0-80", "80-65536", "-80",
            "256.1.1.1:80", "1.2.3.4:0", "1.2.3.4", "1.2.3:80", "[zz::1]:80", "[1.2.3.4]:80", "[::1]", "::1:80",
            "[::1]:65536", "host.example:80", "localhost", "localhost:0", "*:80"})
    void malformedEntryIsRejectedWithTheEntryAsMessage(String entry) {
        IgnoreList.MalformedEntry error = assertThrows(IgnoreList.MalformedEntry.class,
                () -> IgnoreList.parse("8080, " + entry + " ,9090"));

        assertEquals(entry, error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"8080,,9090", ",8080", "8080,", "8080, ,9090"})
    void emptyEntryIsRejected(String value) {
        IgnoreList.MalformedEntry error = assertThrows(IgnoreList.MalformedEntry.class, () -> IgnoreList.parse(value));

        assertEquals("", error.getMessage().trim());
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }
}
