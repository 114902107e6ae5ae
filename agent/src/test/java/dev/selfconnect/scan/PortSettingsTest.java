package dev.selfconnect.scan;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortSettingsTest {

    @Test
    void rangeAndReservedListAsTheKernelWritesThem() {
        PortSettings ports = PortSettings.parse("40000\t40999\n", "40001,40010-40012\n");
        assertEquals("40000-40999", ports.range());
        assertEquals("40001,40010-40012", ports.reservedList());
        assertTrue(ports.ephemeral(40000));
        assertFalse(ports.ephemeral(40001));
        assertFalse(ports.ephemeral(40011));
        assertFalse(ports.ephemeral(39999));
        assertFalse(ports.ephemeral(41000));
    }

    @Test
    void theFixValueIsTheListInForcePlusThePortsMergedIntoRanges() {
        PortSettings ports = PortSettings.parse("32768 60999", "8080,40001,40010-40012");
        assertEquals("8080,40000-40002,40005,40009-40013", ports.reservedWith(List.of(40000, 40002, 40005, 40009,
                40013)));
        assertEquals("40005", PortSettings.parse("32768 60999", "\n").reservedWith(List.of(40005)));
    }

    @Test
    void malformedContent() {
        assertNull(PortSettings.parse("40000", ""));
        assertNull(PortSettings.parse("banana 3", ""));
        assertNull(PortSettings.parse("50000 40000", ""));
        assertNull(PortSettings.parse("0 70000", ""));
        assertNull(PortSettings.parse(null, ""));
        assertThrows(IllegalArgumentException.class, () -> PortSettings.parse("1 2", "8080,x"));
        assertThrows(IllegalArgumentException.class, () -> PortSettings.parse("1 2", "9000-8000"));
        assertThrows(IllegalArgumentException.class, () -> PortSettings.parse("1 2", "70000"));
        assertThrows(IllegalArgumentException.class, () -> PortSettings.parse("1 2", "1,,2"));
    }
}
