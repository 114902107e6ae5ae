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
            "a comma-separated list of PORT, LOW-HIGH, IP:PORT, [IPv6]:PORT or localhost:PORT, ports 1-65535";

    /** Compiled on the first parse only: an agent started without an ignore list loads no regex classes. */
    private static final class Shapes {
        static final Pattern PORT = Pattern.compile("\\d{1,5}");
        static final Pattern PORT_RANGE = Pattern.compile("(\\d{1,5})-(\\d{1,5})");
        static final Pattern IPV4_ENDPOINT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):(\\d{1,5})");
        /** Hex digits, colons and dots only: anything else would make InetAddress.getByName look it up as a name. */
        static final Pattern IPV6_ENDPOINT = Pattern.compile("\\[([0-9A-Fa-f:.]+)]:(\\d{1,5})");
        static final Pattern LOCALHOST_ENDPOINT = Pattern.compile("localhost:(\\d{1,5})");
    }

    public static final IgnoreList EMPTY = new IgnoreList(Collections.<Entry>emptyList(), "none");

    private final List<Entry> entries;
    private final String text;

    private IgnoreList(List<Entry> entries, String text) {
        this.entries = entries;
        this.text = text;
    }

    /** Parses the list; an empty or blank value is the empty list. */
    static IgnoreList parse(String value) throws MalformedEntry {
        List<Entry> entries = new ArrayList<Entry>();
        List<String> texts = new ArrayList<String>();
        for (String raw : value.split(",", -1)) {
            String item = raw.trim();
            if (item.isEmpty()) {
                if (value.trim().isEmpty()) {
                    continue;
                }
                throw new MalformedEntry(item);
            }
            entries.add(parseEntry(item));
            texts.add(item);
        }
        if (entries.isEmpty()) {
            return EMPTY;
        }
        return new IgnoreList(Collections.unmodifiableList(entries), join(texts));
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
                throw new MalformedEntry(item);
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
        int port = Integer.parseInt(digits);
        if (port < 1 || port > 65535) {
            throw new MalformedEntry(item);
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

    /** An entry of the list that is none of the accepted shapes. */
    static final class MalformedEntry extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedEntry(String entry) {
            super(entry);
        }
    }
}
