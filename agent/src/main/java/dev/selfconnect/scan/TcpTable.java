package dev.selfconnect.scan;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the text of /proc/net/tcp or /proc/net/tcp6: a header line, then one socket per line,
 * {@code "  0: 0100007F:9C40 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000  0 12345 ..."}. The kernel
 * prints each 32-bit word of an address as a hexadecimal number in the machine's byte order. A line that does not
 * have that shape is counted and skipped, never guessed at.
 */
final class TcpTable {

    final List<TcpSocket> sockets;
    final int malformedLines;
    /** The first malformed line, with its line number, for the report; null when there was none. */
    final String firstMalformed;

    private TcpTable(List<TcpSocket> sockets, int malformedLines, String firstMalformed) {
        this.sockets = sockets;
        this.malformedLines = malformedLines;
        this.firstMalformed = firstMalformed;
    }

    static TcpTable parse(byte[] content, int length, boolean ipv6) {
        return parse(content, length, ipv6, ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
    }

    static TcpTable parse(byte[] content, int length, boolean ipv6, boolean littleEndian) {
        List<TcpSocket> sockets = new ArrayList<TcpSocket>(Math.max(16, length / 150));
        int malformed = 0;
        String first = null;
        int lineNumber = 0;
        int start = 0;
        while (start < length) {
            int end = start;
            while (end < length && content[end] != '\n') {
                end++;
            }
            lineNumber++;
            if (!(lineNumber == 1 && isHeader(content, start, end)) && !isBlank(content, start, end)) {
                TcpSocket socket = parseLine(content, start, end, ipv6, littleEndian);
                if (socket == null) {
                    malformed++;
                    if (first == null) {
                        int shown = Math.min(end - start, 120);
                        first = "line " + lineNumber + ": '"
                                + printable(new String(content, start, shown, java.nio.charset.StandardCharsets.ISO_8859_1))
                                + (shown < end - start ? "..." : "") + "'";
                    }
                } else {
                    sockets.add(socket);
                }
            }
            start = end + 1;
        }
        return new TcpTable(sockets, malformed, first);
    }

    private static boolean isHeader(byte[] content, int start, int end) {
        String text = new String(content, start, Math.min(end - start, 200), java.nio.charset.StandardCharsets.ISO_8859_1);
        return text.contains("local_address");
    }

    private static boolean isBlank(byte[] content, int start, int end) {
        for (int i = start; i < end; i++) {
            if (content[i] != ' ' && content[i] != '\t' && content[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    private static String printable(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            sb.append(c < 0x20 || c >= 0x7f ? '?' : c);
        }
        return sb.toString();
    }

    /** The socket on this line, or null when the line is not a well-formed row. */
    static TcpSocket parseLine(byte[] line, int start, int end, boolean ipv6, boolean littleEndian) {
        int[] fields = new int[20];
        int count = 0;
        int i = start;
        while (i < end && count < fields.length) {
            while (i < end && (line[i] == ' ' || line[i] == '\t')) {
                i++;
            }
            if (i >= end) {
                break;
            }
            fields[count++] = i;
            while (i < end && line[i] != ' ' && line[i] != '\t') {
                i++;
            }
            fields[count++] = i;
        }
        // sl, local, remote, st, tx:rx, tr:when, retrnsmt, uid, timeout, inode: ten fields at least
        if (count < 20) {
            return null;
        }
        if (line[fields[1] - 1] != ':' || !digits(line, fields[0], fields[1] - 1)) {
            return null;
        }
        int addressLength = ipv6 ? 32 : 8;
        byte[] local = address(line, fields[2], fields[3], addressLength, littleEndian);
        byte[] remote = address(line, fields[4], fields[5], addressLength, littleEndian);
        int localPort = port(line, fields[2] + addressLength + 1, fields[3]);
        int remotePort = port(line, fields[4] + addressLength + 1, fields[5]);
        long state = hex(line, fields[6], fields[7], 2);
        long uid = decimal(line, fields[14], fields[15]);
        long inode = decimal(line, fields[18], fields[19]);
        if (local == null || remote == null || localPort < 0 || remotePort < 0 || state < 1 || state > 0x0C
                || uid < 0 || inode < 0) {
            return null;
        }
        return new TcpSocket(local, localPort, remote, remotePort, (int) state, uid, inode);
    }

    /** "0100007F:9C40": the address in network byte order, an IPv4-mapped IPv6 address as 4 bytes; null if bad. */
    private static byte[] address(byte[] line, int start, int end, int hexLength, boolean littleEndian) {
        if (end - start != hexLength + 5 || line[start + hexLength] != ':') {
            return null;
        }
        byte[] address = new byte[hexLength / 2];
        for (int word = 0; word < hexLength / 8; word++) {
            long value = hex(line, start + word * 8, start + word * 8 + 8, 8);
            if (value < 0) {
                return null;
            }
            for (int b = 0; b < 4; b++) {
                int shift = littleEndian ? 8 * b : 8 * (3 - b);
                address[word * 4 + b] = (byte) (value >>> shift);
            }
        }
        if (address.length == 16 && isV4Mapped(address)) {
            byte[] v4 = new byte[4];
            System.arraycopy(address, 12, v4, 0, 4);
            return v4;
        }
        return address;
    }

    private static boolean isV4Mapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    private static int port(byte[] line, int start, int end) {
        return (int) hex(line, start, end, 4);
    }

    private static long hex(byte[] line, int start, int end, int exactLength) {
        if (end - start != exactLength) {
            return -1;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            int c = line[i];
            int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (digit < 0) {
                return -1;
            }
            value = value << 4 | digit;
        }
        return value;
    }

    private static boolean digits(byte[] line, int start, int end) {
        return decimal(line, start, end) >= 0;
    }

    private static long decimal(byte[] line, int start, int end) {
        if (end <= start || end - start > 18) {
            return -1;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            if (line[i] < '0' || line[i] > '9') {
                return -1;
            }
            value = value * 10 + (line[i] - '0');
        }
        return value;
    }
}
