package dev.selfconnect.vocabulary;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReservedPortsTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "  \n"})
    void anEmptyListReservesNothing(String content) {
        ReservedPorts reserved = ReservedPorts.parse(content);

        assertFalse(reserved.contains(8080));
        assertEquals("", reserved.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"8080,9000-9100\n", "8080,9000-9100", " 8080 , 9000 - 9100 \n"})
    void portsAndRangesAsTheKernelOrAUserWritesThem(String content) {
        ReservedPorts reserved = ReservedPorts.parse(content);

        assertTrue(reserved.contains(8080));
        assertTrue(reserved.contains(9000));
        assertTrue(reserved.contains(9050));
        assertTrue(reserved.contains(9100));
        assertFalse(reserved.contains(8081));
        assertFalse(reserved.contains(9101));
        assertFalse(reserved.contains(8999));
        assertEquals("8080,9000-9100", reserved.toString());
    }

    @Test
    void theWholePortSpaceFits() {
        ReservedPorts reserved = ReservedPorts.parse("0-65535");

        assertTrue(reserved.contains(0));
        assertTrue(reserved.contains(65535));
        assertFalse(reserved.contains(65536));
    }

    @ParameterizedTest
    @ValueSource(strings = {"80x", "8080,,9090", "9100-9000", "70000", "-5", "8080;9090", "1-2-3", ","})
    void malformedContentIsRejectedNamingTheItem(String content) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReservedPorts.parse(content));

        assertTrue(e.getMessage().startsWith("item '"), e.getMessage());
    }

    @Test
    void theFixAddsToTheListAlreadyReserved() {
        assertEquals("8080,9000-9100,40005", ReservedPorts.parse("8080,9000-9100").with(List.of(40005)));
        assertEquals("40005-40006", ReservedPorts.parse("").with(List.of(40005, 40006, 40005)));
        assertEquals("8080,40005,40007-40009", ReservedPorts.parse("8080").with(List.of(40009, 40005, 40008, 40007)));
        assertEquals("9000-9100", ReservedPorts.parse("9000-9100").with(List.of(9050)));
    }
}
