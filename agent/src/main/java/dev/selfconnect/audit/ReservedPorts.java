package dev.selfconnect.audit;

/**
 * The kernel's {@code net.ipv4.ip_local_reserved_ports}: ports the kernel never hands out as source ports, written as
 * a comma-separated list of ports and ranges ({@code 8080,9000-9100}), or nothing at all.
 */
final class ReservedPorts {

    private final long[] bits;
    private final String text;

    private ReservedPorts(long[] bits, String text) {
        this.bits = bits;
        this.text = text;
    }

    static final ReservedPorts NONE = new ReservedPorts(new long[1024], "");

    /**
     * Parses the list as the kernel writes it or as a user writes it to the file (spaces around items, a trailing
     * newline, an empty list).
     *
     * @throws IllegalArgumentException naming the malformed item
     */
    static ReservedPorts parse(String content) {
        String trimmed = content == null ? "" : content.trim();
        if (trimmed.isEmpty()) {
            return NONE;
        }
        long[] bits = new long[1024];
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
        if (port > 65535) {
            throw new NumberFormatException(digits);
        }
        return port;
    }

    boolean contains(int port) {
        return port >= 0 && port <= 65535 && (bits[port >>> 6] & (1L << port)) != 0;
    }

    /** The list as it would be written back: "" when empty. */
    @Override
    public String toString() {
        return text;
    }

    /** The value to write to the file so that it also reserves these ports: the current list plus them. */
    String with(Iterable<Integer> ports) {
        StringBuilder sb = new StringBuilder(text);
        for (Integer port : ports) {
            if (!contains(port) && !(("," + sb + ",").contains("," + port + ","))) {
                sb.append(sb.length() == 0 ? "" : ",").append(port);
            }
        }
        return sb.toString();
    }
}
