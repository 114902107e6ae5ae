package dev.selfconnect.vocabulary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortRangeTest {

    @ParameterizedTest
    @ValueSource(strings = {"32768\t60999\n", "32768\t60999", "32768 60999", "  32768   60999  \n", "32768 \t 60999"})
    void parsesTheKernelFormat(String text) {
        PortRange range = PortRange.parse(text);

        assertNotNull(range, text);
        assertEquals("32768-60999", range.toString());
    }

    @Test
    void containsBothBoundsAndNothingOutside() {
        PortRange range = PortRange.parse("32768\t60999\n");

        assertTrue(range.contains(32768));
        assertTrue(range.contains(40000));
        assertTrue(range.contains(60999));
        assertFalse(range.contains(32767));
        assertFalse(range.contains(61000));
    }

    @Test
    void acceptsTheWidestRangeAndASinglePort() {
        assertEquals("1-65535", PortRange.parse("1 65535").toString());
        assertEquals("40000-40000", PortRange.parse("40000 40000").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " \n", "32768", "32768 60999 1", "abc def", "32768 abc", "60999 32768",
            "0 60999", "1024 65536", "-1 60999", "32768,60999", "99999999999 1"})
    void rejectsAnythingElse(String text) {
        assertNull(PortRange.parse(text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"32768\t60999", "32768 60999\n", "  32768   60999  ", "32768 \t 60999"})
    void theRangeAsTheKernelWritesItGivesItsBounds(String text) {
        PortRange range = PortRange.parse(text);

        assertArrayEquals(new int[] {32768, 60999}, new int[] {range.low(), range.high()});
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "32768", "32768 60999 1", "a b", "0 100", "100 70000", "60999 32768", "32768-60999"})
    void anythingElseIsNotARange(String text) {
        assertNull(PortRange.parse(text));
    }
}
