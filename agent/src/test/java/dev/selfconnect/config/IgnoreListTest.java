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
    @ValueSource(strings = {"80x", "-80", "256.1.1.1:80", "1.2.3.4", "1.2.3:80", "[zz::1]:80", "[1.2.3.4]:80",
            "[::1]", "::1:80", "host.example:80", "localhost", "*:80", "80 90", "8080-"})
    void malformedEntryIsRejectedNamingTheEntry(String entry) {
        IgnoreList.MalformedEntry error = assertThrows(IgnoreList.MalformedEntry.class,
                () -> IgnoreList.parse("8080, " + entry + " ,9090"));

        assertEquals("entry '" + entry + "' is malformed", error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"65536", "70000", "99999", "123456", "80-65536", "1.2.3.4:70000", "[::1]:70000",
            "localhost:70000"})
    void aPortAbove65535IsRejectedNamingThePort(String entry) {
        String port = entry.replaceAll(".*?(\\d+)$", "$1");

        assertEquals("port " + port + " is above 65535", rejection(entry));
    }

    @Test
    void aPortWithLeadingZerosIsNamedWithoutThem() {
        assertEquals("port 70000 is above 65535", rejection("0070000"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0-80", "1.2.3.4:0", "localhost:0", "[::1]:0"})
    void portZeroIsRejectedNamingThePort(String entry) {
        assertEquals("port 0 is below 1", rejection(entry));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5-1", "9000-8000"})
    void aRangeWithItsLowPortAboveItsHighPortIsRejectedSayingSo(String entry) {
        assertEquals("range " + entry + " has its low port above its high port", rejection(entry));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8080,,9090", ",8080", "8080, ,9090", "8080,,"})
    void emptyEntryIsRejected(String value) {
        IgnoreList.MalformedEntry error = assertThrows(IgnoreList.MalformedEntry.class, () -> IgnoreList.parse(value));

        assertEquals("entry '' is empty", error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"8080,", "8080, ", "8080 ,\t"})
    void aCommaAtTheEndIsAllowed(String value) throws Exception {
        IgnoreList list = IgnoreList.parse(value);

        assertEquals("8080", list.toString());
        assertTrue(list.matches(ip("127.0.0.1"), 8080));
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "NONE", " None "})
    void noneIsTheEmptyListAsItIsShown(String value) throws Exception {
        IgnoreList list = IgnoreList.parse(value);

        assertSame(IgnoreList.EMPTY, list);
        assertEquals(list, IgnoreList.parse(list.toString()));
    }

    @Test
    void noneInsideAListIsRejected() {
        assertEquals("'none' stands alone, not in a list", rejection("none,8080"));
    }

    @Test
    void aListReadsBackFromItsOwnText() throws Exception {
        IgnoreList list = IgnoreList.parse(" 8080 , 9000-9100,127.0.0.1:80 , [::1]:81,localhost:82");

        assertEquals(list.toString(), IgnoreList.parse(list.toString()).toString());
    }

    private static String rejection(String value) {
        return assertThrows(IgnoreList.MalformedEntry.class, () -> IgnoreList.parse(value)).getMessage();
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }
}
