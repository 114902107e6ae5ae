package dev.selfconnect.vocabulary;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The kernel's {@code net.ipv4.ip_local_reserved_ports}: ports the kernel never hands out as source ports, written as
 * a comma-separated list of ports and ranges ({@code 8080,9000-9100}), or nothing at all.
 */
public final class ReservedPorts {

    private static final int WORDS = (PortRange.MAX_PORT + 1) / Long.SIZE;

    public static final ReservedPorts NONE = new ReservedPorts(new long[WORDS], "");

    private final long[] bits;
    private final String text;

    private ReservedPorts(long[] bits, String text) {
        this.bits = bits;
        this.text = text;
    }

    /**
     * Parses the list as the kernel writes it or as a user writes it to the file (spaces around items, a trailing
     * newline, an empty list).
     *
     * @throws IllegalArgumentException naming the malformed item
     */
    public static ReservedPorts parse(String content) {
        String trimmed = content == null ? "" : content.trim();
        if (trimmed.isEmpty()) {
            return NONE;
        }
        long[] bits = new long[WORDS];
        StringBuilder normalized = new StringBuilder();
        for (String raw : trimmed.split(",", -1)) {
            String item = raw.trim();
            int dash = item.indexOf('-', 1);
            int low;
            int high;
            try {
                if (dash < 0) {
                    low = high = port(item);
                } else {
                    low = port(item.substring(0, dash).trim());
                    high = port(item.substring(dash + 1).trim());
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("item '" + item + "' is not PORT or LOW-HIGH");
            }
            if (low > high) {
                throw new IllegalArgumentException("item '" + item + "' has its low port above its high port");
            }
            for (int port = low; port <= high; port++) {
                bits[port >>> 6] |= 1L << port;
            }
            normalized.append(normalized.length() == 0 ? "" : ",").append(low == high ? "" + low : low + "-" + high);
        }
        return new ReservedPorts(bits, normalized.toString());
    }

    private static int port(String digits) {
        if (digits.isEmpty() || digits.length() > 5) {
            throw new NumberFormatException(digits);
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                throw new NumberFormatException(digits);
            }
        }
        int port = Integer.parseInt(digits);
        if (port > PortRange.MAX_PORT) {
            throw new NumberFormatException(digits);
        }
        return port;
    }

    public boolean contains(int port) {
        return port >= 0 && port <= PortRange.MAX_PORT && (bits[port >>> 6] & (1L << port)) != 0;
    }

    /** The list as it would be written back: "" when empty. */
    @Override
    public String toString() {
        return text;
    }

    /**
     * The value to write to the file so that it also reserves these ports: the current list as it is, followed by the
     * ports it lacks, adjacent ones merged into ranges ("40005-40007").
     */
    public String with(Collection<Integer> ports) {
        boolean[] added = new boolean[PortRange.MAX_PORT + 1];
        for (Integer port : ports) {
            if (port != null && port > 0 && port <= PortRange.MAX_PORT && !contains(port)) {
                added[port] = true;
            }
        }
        List<String> items = new ArrayList<String>();
        for (int port = 1; port <= PortRange.MAX_PORT; port++) {
            if (added[port]) {
                int end = port;
                while (end + 1 <= PortRange.MAX_PORT && added[end + 1]) {
                    end++;
                }
                items.add(end == port ? Integer.toString(port) : port + "-" + end);
                port = end;
            }
        }
        StringBuilder value = new StringBuilder(text);
        for (String item : items) {
            value.append(value.length() == 0 ? "" : ",").append(item);
        }
        return value.toString();
    }
}
