package dev.selfconnect.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Remote endpoints whose self-connections the agent leaves alone:
 * {@code PORT}, {@code LOW-HIGH}, {@code IP:PORT}, {@code [IPv6]:PORT} or {@code localhost:PORT}.
 */
public final class IgnoreList {

    static final String ACCEPTED =
            "a comma-separated list of PORT, LOW-HIGH, IP:PORT, [IPv6]:PORT or localhost:PORT, ports 1-65535, or"
                    + " @FILE to read the list from a file";

    /** How the empty list is shown, and accepted back. */
    static final String NONE = "none";

    /** Compiled on the first parse only: an agent started without an ignore list loads no regex classes. */
    private static final class Shapes {
        static final Pattern PORT = Pattern.compile("\\d+");
        static final Pattern PORT_RANGE = Pattern.compile("(\\d+)-(\\d+)");
        static final Pattern IPV4_ENDPOINT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):(\\d+)");
        /** Hex digits, colons and dots only: anything else would make InetAddress.getByName look it up as a name. */
        static final Pattern IPV6_ENDPOINT = Pattern.compile("\\[([0-9A-Fa-f:.]+)]:(\\d+)");
        static final Pattern LOCALHOST_ENDPOINT = Pattern.compile("localhost:(\\d+)");
    }

    public static final IgnoreList EMPTY = new IgnoreList(Collections.<Entry>emptyList(), NONE);

    private final List<Entry> entries;
    private final String text;

    private IgnoreList(List<Entry> entries, String text) {
        this.entries = entries;
        this.text = text;
    }

    /**
     * Parses the list, or reads it from the file a value {@code @FILE} names ({@link IgnoreFile}); a list read from a
     * file is shown as {@code @FILE}, so the startup line stays short and reads back. An empty or blank value, or {@code none} (what the empty list shows), is the empty list; a
     * comma at the end is allowed, an empty entry anywhere else is not.
     */
    static IgnoreList parse(String value) throws MalformedEntry {
        if (IgnoreFile.MARK == firstNonBlank(value)) {
            return IgnoreFile.read(value);
        }
        String trimmed = value.trim();
        if (trimmed.isEmpty() || trimmed.equalsIgnoreCase(NONE)) {
            return EMPTY;
        }
        String[] items = value.split(",", -1);
        int count = items[items.length - 1].trim().isEmpty() ? items.length - 1 : items.length;
        List<Entry> entries = new ArrayList<Entry>();
        List<String> texts = new ArrayList<String>();
        for (int i = 0; i < count; i++) {
            String item = items[i].trim();
            if (item.isEmpty()) {
                throw new MalformedEntry(item, "entry '' is empty");
            }
            if (item.equalsIgnoreCase(NONE)) {
                throw new MalformedEntry(item, "'" + NONE + "' stands alone, not in a list");
            }
            entries.add(parseEntry(item));
            texts.add(item);
        }
        if (entries.isEmpty()) {
            return EMPTY;
        }
        return new IgnoreList(Collections.unmodifiableList(entries), join(texts));
    }

    /** This list, shown (and read back) as this text. */
    IgnoreList shownAs(String shown) {
        return isEmpty() ? this : new IgnoreList(entries, shown);
    }

    private static char firstNonBlank(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (!Character.isWhitespace(value.charAt(i))) {
                return value.charAt(i);
            }
        }
        return ' ';
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public boolean matches(InetAddress remoteAddress, int remotePort) {
        for (Entry entry : entries) {
            if (entry.matches(remoteAddress, remotePort)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }

    private static Entry parseEntry(String item) throws MalformedEntry {
        Matcher m;
        if (Shapes.PORT.matcher(item).matches()) {
            int port = port(item, item);
            return new Entry(null, false, port, port);
        }
        if ((m = Shapes.PORT_RANGE.matcher(item)).matches()) {
            int low = port(m.group(1), item);
            int high = port(m.group(2), item);
            if (low > high) {
                throw new MalformedEntry(item, "range " + item + " has its low port above its high port");
            }
            return new Entry(null, false, low, high);
        }
        if ((m = Shapes.LOCALHOST_ENDPOINT.matcher(item)).matches()) {
            int port = port(m.group(1), item);
            return new Entry(null, true, port, port);
        }
        if ((m = Shapes.IPV4_ENDPOINT.matcher(item)).matches()) {
            for (String octet : m.group(1).split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    throw new MalformedEntry(item);
                }
            }
            int port = port(m.group(2), item);
            return new Entry(literal(m.group(1), item), false, port, port);
        }
        if ((m = Shapes.IPV6_ENDPOINT.matcher(item)).matches() && m.group(1).indexOf(':') >= 0) {
            int port = port(m.group(2), item);
            return new Entry(literal(m.group(1), item), false, port, port);
        }
        throw new MalformedEntry(item);
    }

    private static int port(String digits, String item) throws MalformedEntry {
        int zeros = 0;
        while (zeros < digits.length() - 1 && digits.charAt(zeros) == '0') {
            zeros++;
        }
        String number = digits.substring(zeros);
        if (number.length() > 5 || Integer.parseInt(number) > 65535) {
            throw new MalformedEntry(item, "port " + number + " is above 65535");
        }
        int port = Integer.parseInt(number);
        if (port < 1) {
            throw new MalformedEntry(item, "port 0 is below 1");
        }
        return port;
    }

    /** Only called with text already shaped as an IP literal, so no name lookup happens. */
    private static InetAddress literal(String address, String item) throws MalformedEntry {
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new MalformedEntry(item);
        }
    }

    private static String join(List<String> parts) {
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    private static final class Entry {
        private final InetAddress address;
        private final boolean anyLoopback;
        private final int lowPort;
        private final int highPort;

        Entry(InetAddress address, boolean anyLoopback, int lowPort, int highPort) {
            this.address = address;
            this.anyLoopback = anyLoopback;
            this.lowPort = lowPort;
            this.highPort = highPort;
        }

        boolean matches(InetAddress remoteAddress, int remotePort) {
            if (remotePort < lowPort || remotePort > highPort) {
                return false;
            }
            if (anyLoopback) {
                return remoteAddress.isLoopbackAddress();
            }
            return address == null || address.equals(remoteAddress);
        }
    }

    /** An entry of the list that is none of the accepted shapes; the message says what is wrong with it. */
    static final class MalformedEntry extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedEntry(String entry) {
            super("entry '" + entry + "' is malformed");
        }

        MalformedEntry(String entry, String problem) {
            super(problem);
        }
    }
}
