package dev.selfconnect.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * The ports Linux never hands out as source ports (net.ipv4.ip_local_reserved_ports): a connect to one of them
 * cannot self-connect. Read from the file next to the range file, so that tests can supply both.
 */
final class ReservedPorts {

    static final String FILE_NAME = "ip_local_reserved_ports";

    private final BitSet ports;
    private final String text;

    private ReservedPorts(BitSet ports, String text) {
        this.ports = ports;
        this.text = text;
    }

    /** The reserved ports listed next to {@code rangeFile}; none when that file does not exist. */
    static ReservedPorts nextTo(Path rangeFile) throws IOException {
        Path file = rangeFile.resolveSibling(FILE_NAME);
        String content;
        try (InputStream in = Files.newInputStream(file)) {
            content = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return new ReservedPorts(new BitSet(), "");
        }
        return parse(content, file);
    }

    /** The kernel's format: comma-separated ports and LOW-HIGH ranges, or nothing. */
    static ReservedPorts parse(String content, Path file) throws IOException {
        BitSet ports = new BitSet(65536);
        for (String item : content.split(",")) {
            String entry = item.trim();
            if (entry.isEmpty()) {
                continue;
            }
            String[] bounds = entry.split("-", 2);
            try {
                int low = Integer.parseInt(bounds[0].trim());
                int high = bounds.length == 2 ? Integer.parseInt(bounds[1].trim()) : low;
                if (low >= 0 && low <= high && high <= 65535) {
                    ports.set(low, high + 1);
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IOException(file + " should list ports and LOW-HIGH ranges, not \"" + content + "\"");
        }
        return new ReservedPorts(ports, content);
    }

    boolean contains(int port) {
        return ports.get(port);
    }

    boolean isEmpty() {
        return ports.isEmpty();
    }

    @Override
    public String toString() {
        return text.isEmpty() ? "none" : text;
    }
}
