package dev.selfconnect.detection;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The kernel's ephemeral port range, {@code net.ipv4.ip_local_port_range}, as a pair of ports. */
public final class PortRange {

    static final Path EPHEMERAL_RANGE_FILE = Paths.get("/proc/sys/net/ipv4/ip_local_port_range");

    private final int low;
    private final int high;

    PortRange(int low, int high) {
        this.low = low;
        this.high = high;
    }

    /** The range in force now, or null where it cannot be read (not Linux, or unreadable). */
    public static PortRange ephemeral() {
        return read(EPHEMERAL_RANGE_FILE);
    }

    static PortRange read(Path file) {
        // Files.readAllBytes trusts the size a /proc file reports and can return a truncated value: read lines.
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            String line = reader.readLine();
            return line == null ? null : parse(line);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Parses "low high" as the kernel writes it (separated by white space); null for anything else. No regex: the
     * audit parses this on its start path.
     */
    public static PortRange parse(String text) {
        String trimmed = text.trim();
        int gap = 0;
        while (gap < trimmed.length() && !Character.isWhitespace(trimmed.charAt(gap))) {
            gap++;
        }
        if (gap == trimmed.length()) {
            return null;
        }
        try {
            int low = Integer.parseInt(trimmed.substring(0, gap));
            int high = Integer.parseInt(trimmed.substring(gap).trim());
            return low < 1 || high > 65535 || low > high ? null : new PortRange(low, high);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public int low() {
        return low;
    }

    public int high() {
        return high;
    }

    public boolean contains(int port) {
        return port >= low && port <= high;
    }

    @Override
    public String toString() {
        return low + "-" + high;
    }
}
