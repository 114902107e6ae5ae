package dev.selfconnect.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The ports Linux hands out as source ports of outgoing connections (net.ipv4.ip_local_port_range). */
record EphemeralPortRange(int first, int last) {

    static final Path LINUX_FILE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    EphemeralPortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("not a port range: " + first + "-" + last);
        }
    }

    /** Reads a file in the format of {@code /proc/sys/net/ipv4/ip_local_port_range}: "FIRST LAST". */
    static EphemeralPortRange read(Path file) throws IOException {
        String text;
        // Not Files.readString: a /proc/sys file shows size 0, so that reads one byte first, and the kernel
        // answers any read past offset 0 with end-of-file. One buffered read gets the whole content.
        try (InputStream in = Files.newInputStream(file)) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        String[] parts = text.split("\\s+");
        try {
            if (parts.length == 2) {
                return new EphemeralPortRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            }
        } catch (IllegalArgumentException e) {
            // reported below, with the file's content
        }
        throw new IOException(file + " should hold two port numbers, not \"" + text + "\"");
    }

    boolean isSinglePort() {
        return first == last;
    }

    boolean contains(int port) {
        return port >= first && port <= last;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
