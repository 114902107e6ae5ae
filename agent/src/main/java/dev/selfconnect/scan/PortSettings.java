package dev.selfconnect.scan;

import java.util.BitSet;
import java.util.Collection;

/**
 * A namespace's {@code net.ipv4.ip_local_port_range} and {@code net.ipv4.ip_local_reserved_ports}, and the value that
 * reserves more ports: the list in force plus the ports, merged into ranges.
 */
final class PortSettings {

    final int low;
    final int high;
    private final BitSet reserved;

    private PortSettings(int low, int high, BitSet reserved) {
        this.low = low;
        this.high = high;
        this.reserved = reserved;
    }

    /**
     * The settings from the two files' text; null when the range is not "LOW HIGH".
     *
     * @throws IllegalArgumentException when the reserved list is malformed, naming the item
     */
    static PortSettings parse(String rangeText, String reservedText) {
        int[] range = parseRange(rangeText);
        if (range == null) {
            return null;
        }
        return new PortSettings(range[0], range[1], parseReserved(reservedText));
    }

    private static int[] parseRange(String text) {
        if (text == null) {
            return null;
        }
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
            return low < 1 || high > 65535 || low > high ? null : new int[] {low, high};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static BitSet parseReserved(String text) {
        BitSet bits = new BitSet(65536);
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.isEmpty()) {
            return bits;
        }
        for (String raw : trimmed.split(",", -1)) {
            String item = raw.trim();
            int dash = item.indexOf('-', 1);
            int low;
            int high;
            try {
                low = port(dash < 0 ? item : item.substring(0, dash).trim());
                high = dash < 0 ? low : port(item.substring(dash + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("item '" + item + "' is not PORT or LOW-HIGH");
            }
            if (low > high) {
                throw new IllegalArgumentException("item '" + item + "' has its low port above its high port");
            }
            bits.set(low, high + 1);
        }
        return bits;
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
        if (port > 65535) {
            throw new NumberFormatException(digits);
        }
        return port;
    }

    boolean inRange(int port) {
        return port >= low && port <= high;
    }

    boolean reserved(int port) {
        return reserved.get(port);
    }

    /** Inside the range and not reserved: a port the kernel may hand a client as its source port. */
    boolean ephemeral(int port) {
        return inRange(port) && !reserved(port);
    }

    String range() {
        return low + "-" + high;
    }

    String reservedList() {
        return ranges(reserved);
    }

    /** The reserved list in force plus these ports, merged into ranges: "8080,40000-40002". */
    String reservedWith(Collection<Integer> ports) {
        BitSet all = (BitSet) reserved.clone();
        for (Integer port : ports) {
            all.set(port);
        }
        return ranges(all);
    }

    private static String ranges(BitSet bits) {
        StringBuilder sb = new StringBuilder();
        for (int from = bits.nextSetBit(0); from >= 0; ) {
            int to = bits.nextClearBit(from) - 1;
            sb.append(sb.length() == 0 ? "" : ",").append(from);
            if (to > from) {
                sb.append('-').append(to);
            }
            from = bits.nextSetBit(to + 1);
        }
        return sb.toString();
    }
}
