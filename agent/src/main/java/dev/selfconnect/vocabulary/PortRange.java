package dev.selfconnect.vocabulary;

/** The kernel's ephemeral port range, {@code net.ipv4.ip_local_port_range}, as a pair of ports. */
public final class PortRange {

    public static final int MAX_PORT = 65535;

    private final int low;
    private final int high;

    public PortRange(int low, int high) {
        this.low = low;
        this.high = high;
    }

    /**
     * Parses "low high" as the kernel writes it (separated by white space); null for anything else. No regular
     * expression: this runs at JVM start.
     */
    public static PortRange parse(String text) {
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
            return low < 1 || high > MAX_PORT || low > high ? null : new PortRange(low, high);
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

    /** "32768-60999", as the records write it. */
    @Override
    public String toString() {
        return low + "-" + high;
    }
}
