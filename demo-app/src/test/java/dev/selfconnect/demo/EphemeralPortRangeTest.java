package dev.selfconnect.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EphemeralPortRangeTest {
    @TempDir
    Path dir;

    @Test
    void readsTheKernelFormat() throws IOException {
        EphemeralPortRange range = EphemeralPortRange.read(write("32768\t60999\n"));
        assertEquals(new EphemeralPortRange(32768, 60999), range);
        assertFalse(range.isSinglePort());
        assertTrue(range.contains(32768) && range.contains(60999));
        assertFalse(range.contains(32767) || range.contains(61000));
        assertEquals("32768-60999", range.toString());
    }

    @Test
    void readsASinglePortRange() throws IOException {
        assertTrue(EphemeralPortRange.read(write("40000 40000")).isSinglePort());
    }

    /** /proc/sys files answer reads past offset 0 with end-of-file: a reader that reads in pieces gets "3". */
    @Test
    void readsThisMachinesRange() throws IOException {
        assumeTrue(Files.exists(EphemeralPortRange.LINUX_FILE), "not Linux");
        EphemeralPortRange range = EphemeralPortRange.read(EphemeralPortRange.LINUX_FILE);
        assertTrue(range.last() > 1024, range.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "32768", "32768 60999 1", "a b", "60999 32768", "0 100", "1 65536"})
    void rejectsWhatIsNotARange(String content) throws IOException {
        Path file = write(content);
        IOException e = assertThrows(IOException.class, () -> EphemeralPortRange.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    private Path write(String content) throws IOException {
        return Files.writeString(dir.resolve("ip_local_port_range"), content);
    }
}
