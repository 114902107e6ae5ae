package dev.selfconnect.audit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class EphemeralPortsTest {

    @ParameterizedTest
    @ValueSource(strings = {"32768\t60999", "32768 60999\n", "  32768   60999  ", "32768 \t 60999"})
    void theRangeAsTheKernelWritesIt(String text) {
        assertArrayEquals(new int[] {32768, 60999}, EphemeralPorts.parseRange(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "32768", "32768 60999 1", "a b", "0 100", "100 70000", "60999 32768", "32768-60999"})
    void anythingElseIsNotARange(String text) {
        assertNull(EphemeralPorts.parseRange(text));
    }
}
