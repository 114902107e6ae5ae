package dev.selfconnect.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PortRangeTest {

    @TempDir
    Path directory;

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

    @Test
    void readsTheFirstLineOfAFile() throws IOException {
        Path file = directory.resolve("ip_local_port_range");
        Files.writeString(file, "1024\t4999\n");

        assertEquals("1024-4999", PortRange.read(file).toString());
    }

    @Test
    void readingAMissingFileGivesNull() {
        assertNull(PortRange.read(directory.resolve("missing")));
    }

    @Test
    void readingAnEmptyFileGivesNull() throws IOException {
        Path file = Files.createFile(directory.resolve("empty"));

        assertNull(PortRange.read(file));
    }

    @Test
    void readingAFileWithBadContentGivesNull() throws IOException {
        Path file = directory.resolve("bad");
        Files.writeString(file, "32768\n60999\n");

        assertNull(PortRange.read(file));
    }

    @Test
    void readingADirectoryGivesNull() {
        assertNull(PortRange.read(directory));
    }

    @Test
    void ephemeralIsTheRangeTheKernelReports() throws IOException {
        Path file = Paths.get("/proc/sys/net/ipv4/ip_local_port_range");
        assumeTrue(Files.isReadable(file), "no " + file + " here (not Linux)");
        String line;
        // Files.readAllBytes/readString trust the size /proc reports and can truncate: read it as a stream.
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            line = reader.readLine();
        }
        String[] bounds = line.trim().split("\\s+");

        assertEquals(2, bounds.length, line);
        assertEquals(Integer.parseInt(bounds[0]) + "-" + Integer.parseInt(bounds[1]),
                PortRange.ephemeral().toString());
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
