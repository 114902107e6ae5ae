package dev.selfconnect.scan;

import dev.selfconnect.vocabulary.Endpoint;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The /proc/net/tcp parser, on lines as a little-endian kernel writes them and on malformed samples. */
class TcpTableTest {

    static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
            + "timeout inode                                                     \n";
    static final String HEADER6 = "  sl  local_address                         remote_address                        st"
            + " tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    static final String SELF = "   1: 0100007F:9C40 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0"
            + "        0 38032 1 00000000d55cb709 20 4 30 10 -1                    \n";
    static final String LISTEN = "   0: 0100007F:9C45 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000"
            + "        0 38033 1 0000000016b1fff4 100 0 0 10 0                     \n";

    private static TcpTable parse(String text, boolean ipv6) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return TcpTable.parse(bytes, bytes.length, ipv6, true);
    }

    @Test
    void readsIpv4RowsAsTheKernelWritesThem() {
        TcpTable table = parse(HEADER + LISTEN + SELF, false);
        assertEquals(0, table.malformedLines);
        assertEquals(2, table.sockets.size());
        TcpSocket listen = table.sockets.get(0);
        assertArrayEquals(new byte[] {127, 0, 0, 1}, listen.localAddress);
        assertEquals(40005, listen.localPort);
        assertTrue(listen.listening());
        assertEquals(1000, listen.uid);
        assertEquals(38033, listen.inode);
        assertFalse(listen.selfConnected());
        TcpSocket self = table.sockets.get(1);
        assertEquals(40000, self.localPort);
        assertEquals(40000, self.remotePort);
        assertTrue(self.selfConnected());
    }

    @Test
    void readsIpv6RowsAndMapsIpv4MappedAddressesToIpv4() {
        String text = HEADER6
                + "   0: 00000000000000000000000001000000:9C47 00000000000000000000000000000000:0000 0A 00000000:00000000"
                + " 00:00000000 00000000     0        0 38036 1 00000000cbaf210e 100 0 0 10 0\n"
                + "   1: 0000000000000000FFFF00000100007F:9C40 0000000000000000FFFF00000100007F:9C40 01 00000000:00000000"
                + " 00:00000000 00000000     0        0 38040 1 00000000cbaf210e 20 4 30 10 -1\n"
                + "   2: B80D0120000000000000000001000000:1F90 B80D0120000000000000000002000000:9C41 01 00000000:00000000"
                + " 00:00000000 00000000     0        0 38041 1 00000000cbaf210e 20 4 30 10 -1\n";
        TcpTable table = parse(text, true);
        assertEquals(0, table.malformedLines, table.firstMalformed);
        assertEquals("[::1]:40007", Endpoint.format(TcpSocket.inet(table.sockets.get(0).localAddress), 40007));
        TcpSocket mapped = table.sockets.get(1);
        assertArrayEquals(new byte[] {127, 0, 0, 1}, mapped.localAddress);
        assertTrue(mapped.selfConnected());
        assertEquals("[2001:db8::1]:8080", Endpoint.format(TcpSocket.inet(table.sockets.get(2).localAddress),
                table.sockets.get(2).localPort));
        assertEquals("[2001:db8::2]:40001", Endpoint.format(TcpSocket.inet(table.sockets.get(2).remoteAddress),
                table.sockets.get(2).remotePort));
    }

    @Test
    void aBigEndianKernelWritesAddressesInNetworkOrder() {
        byte[] bytes = (HEADER + SELF.replace("0100007F", "7F000001")).getBytes(StandardCharsets.ISO_8859_1);
        TcpTable table = TcpTable.parse(bytes, bytes.length, false, false);
        assertArrayEquals(new byte[] {127, 0, 0, 1}, table.sockets.get(0).localAddress);
    }

    @Test
    void malformedLinesAreCountedAndSkippedNeverGuessed() {
        String[] malformed = {
            "   2: 0100007F:9C4 0100007F:9C40 01 00000000:00000000 00:00000000 00000000 0 0 1 1\n",  // short port
            "   3: 0100007F9C40 0100007F:9C40 01 00000000:00000000 00:00000000 00000000 0 0 1 1\n",   // no colon
            "   4: 0100007G:9C40 0100007F:9C40 01 00000000:00000000 00:00000000 00000000 0 0 1 1\n",  // not hex
            "   5: 0100007F:9C40 0100007F:9C40 0D 00000000:00000000 00:00000000 00000000 0 0 1 1\n",  // no such state
            "   6: 0100007F:9C40 0100007F:9C40 01 00000000:00000000 00:00000000 00000000 0 0 x1 1\n", // inode
            "   7: 0100007F:9C40 0100007F:9C40 01 00000000:00000000 00:00000000 00000000 -1 0 1 1\n", // uid
            "   8: 0100007F:9C40 0100007F:9C40 01\n",                                                    // cut short
            "   9 0100007F:9C40 0100007F:9C40 01 00000000:00000000 00:00000000 00000000 0 0 1 1\n",   // sl
            "  10: 00000000000000000000000001000000:9C47 00000000:0000 0A 0:0 00:0 0 0 0 1 1\n",       // v6 in tcp
            "\u0000\u00ff\u0001garbage\n",
            "  11: 0100007F:9C40 0100007F:9C40 01 00000000:00000000 00:00000000 00000000 0 0 99999999999999999999 1\n",
        };
        StringBuilder text = new StringBuilder(HEADER).append(SELF);
        for (String line : malformed) {
            text.append(line);
        }
        text.append(LISTEN);
        TcpTable table = parse(text.toString(), false);
        assertEquals(malformed.length, table.malformedLines);
        assertEquals(2, table.sockets.size());
        assertTrue(table.firstMalformed.startsWith("line 3: '   2: 0100007F:9C4 "), table.firstMalformed);
    }

    @Test
    void emptyHeaderOnlyTruncatedAndHeaderlessContent() {
        assertEquals(0, parse("", false).sockets.size());
        assertEquals(0, parse(HEADER, false).sockets.size());
        assertEquals(0, parse(HEADER, false).malformedLines);
        TcpTable truncated = parse(HEADER + SELF.substring(0, 40), false);
        assertEquals(1, truncated.malformedLines);
        assertEquals(0, truncated.sockets.size());
        TcpTable headerless = parse(SELF + "\n\n", false);
        assertEquals(1, headerless.sockets.size());
        assertEquals(0, headerless.malformedLines);
        assertNull(headerless.firstMalformed);
    }

    @Test
    void connectedStatesHoldAPortTimeWaitAndSynSentDoNot() {
        for (int state = 1; state <= 12; state++) {
            String line = SELF.replace(" 01 ", String.format(" %02X ", state));
            TcpSocket socket = parse(HEADER + line, false).sockets.get(0);
            boolean expected = state == 1 || state == 3 || state == 4 || state == 5 || state == 8 || state == 9
                    || state == 11;
            assertEquals(expected, socket.selfConnected(), TcpSocket.stateName(state));
        }
    }
}
