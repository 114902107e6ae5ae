package dev.selfconnect.scan;

import dev.selfconnect.vocabulary.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The agent's view of its own JVM's sockets: the rows of net/tcp and tcp6 whose inode is one of the process's own
 * descriptors, on tables captured from a JVM (a wildcard and a loopback ServerSocket and a self-connected Socket,
 * in a namespace whose ephemeral range is 40000-40000) and on a directory laid out like /proc.
 */
class OwnSocketsTest {

    /** /proc/PID/net/tcp6 of that JVM: 127.0.0.1:40007 and [::]:40005 listening, 127.0.0.1:40000 to itself. */
    static final String CAPTURED_TCP6 = TcpTableTest.HEADER6
            + "   0: 0000000000000000FFFF00000100007F:9C47 00000000000000000000000000000000:0000 0A 00000000:00000000"
            + " 00:00000000 00000000     0        0 22983 1 00000000a1bb299e 100 0 0 10 0\n"
            + "   1: 00000000000000000000000000000000:9C45 00000000000000000000000000000000:0000 0A 00000000:00000000"
            + " 00:00000000 00000000     0        0 22982 1 00000000c036e335 100 0 0 10 0\n"
            + "   2: 0000000000000000FFFF00000100007F:9C40 0000000000000000FFFF00000100007F:9C40 01 00000000:00000000"
            + " 00:00000000 00000000     0        0 22981 1 00000000c03d8f9b 20 4 30 10 -1\n";
    /** Another process's sockets in the same namespace, and a self-connection in TIME_WAIT, which no one holds. */
    static final String OTHERS_TCP = TcpTableTest.HEADER
            + "   0: 0100007F:9C41 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 30001 1"
            + " 0000000016b1fff4 100 0 0 10 0\n"
            + "   1: 0100007F:9C42 0100007F:9C42 01 00000000:00000000 00:00000000 00000000     0        0 30002 1"
            + " 00000000d55cb709 20 4 30 10 -1\n"
            + "   2: 0100007F:9C43 0100007F:9C43 06 00000000:00000000 03:00000F9F 00000000     0        0 0 3"
            + " 00000000d55cb709\n";

    @TempDir
    Path dir;

    private static List<TcpSocket> rows(String tcp, String tcp6) {
        List<TcpSocket> rows = new ArrayList<>();
        byte[] v4 = tcp.getBytes(StandardCharsets.ISO_8859_1);
        rows.addAll(TcpTable.parse(v4, v4.length, false, true).sockets);
        byte[] v6 = tcp6.getBytes(StandardCharsets.ISO_8859_1);
        rows.addAll(TcpTable.parse(v6, v6.length, true, true).sockets);
        return rows;
    }

    private static List<String> formatted(List<InetSocketAddress> endpoints) {
        return endpoints.stream().map(e -> Endpoint.format(e.getAddress(), e.getPort())).toList();
    }

    @Test
    void keepsTheListenersAndSelfConnectionsWhoseInodeIsTheProcesssOwn() {
        OwnSockets own = OwnSockets.match(rows(OTHERS_TCP, CAPTURED_TCP6), Set.of(22981L, 22982L, 22983L, 0L), 0);

        assertEquals(List.of("127.0.0.1:40007", "[::]:40005"), formatted(own.listeners()));
        assertEquals(List.of("127.0.0.1:40000"), formatted(own.selfConnections()));
    }

    @Test
    void anotherProcesssSocketsInTheSameNamespaceAreNotTheProcesss() {
        OwnSockets own = OwnSockets.match(rows(OTHERS_TCP, CAPTURED_TCP6), Set.of(22982L), 0);
        assertEquals(List.of("[::]:40005"), formatted(own.listeners()));
        assertEquals(List.of(), own.selfConnections());

        OwnSockets theOther = OwnSockets.match(rows(OTHERS_TCP, CAPTURED_TCP6), Set.of(30001L, 30002L), 0);
        assertEquals(List.of("127.0.0.1:40001"), formatted(theOther.listeners()));
        assertEquals(List.of("127.0.0.1:40002"), formatted(theOther.selfConnections()));
    }

    @Test
    void theSocketsAmongThoseHeldAtAnotherMomentAreKeptTheSameSocketByItsInode() {
        OwnSockets now = OwnSockets.match(rows(OTHERS_TCP, CAPTURED_TCP6), Set.of(22981L, 22982L, 22983L), 0);

        // Meanwhile [::]:40005 was closed and another socket took its place, inode 22990.
        OwnSockets held = now.within(Set.of(22983L, 22981L, 22990L, 4711L));

        assertEquals(List.of("127.0.0.1:40007"), formatted(held.listeners()));
        assertEquals(List.of("127.0.0.1:40000"), formatted(held.selfConnections()));
        assertFalse(held.isEmpty());
        assertTrue(now.within(Set.of(4711L)).isEmpty());
    }

    @Test
    void socketInodesAreTheDescriptorsSockets() throws Exception {
        FakeProc proc = new FakeProc(dir).process(4244, "/usr/bin/java", 1, OTHERS_TCP, null).self(4244)
                .socket(4244, 3, 30001).fd(4244, 4, "pipe:[30002]").socket(4244, 5, 7);

        assertEquals(Set.of(30001L, 7L), OwnSockets.socketInodes(proc.root));
        assertNull(OwnSockets.socketInodes(dir.resolve("no-proc")));
    }

    @Test
    void readsTheDescriptorsAndBothTablesOfSelf() throws Exception {
        FakeProc proc = new FakeProc(dir).process(4242, "/usr/bin/java -jar app.jar", 1, OTHERS_TCP, CAPTURED_TCP6)
                .self(4242).socket(4242, 4, 22981).socket(4242, 5, 22982).fd(4242, 6, "pipe:[22983]")
                .fd(4242, 7, "/dev/null");

        OwnSockets own = OwnSockets.ofThisProcess(proc.root);

        assertEquals(List.of("[::]:40005"), formatted(own.listeners()));
        assertEquals(List.of("127.0.0.1:40000"), formatted(own.selfConnections()));
        assertEquals(0, own.malformedLines());
    }

    @Test
    void withoutTcp6OnlyTheIpv4TableIsReadAndAMalformedRowIsCounted() throws Exception {
        FakeProc proc = new FakeProc(dir).process(4243, "/usr/bin/java -jar app.jar", 1,
                OTHERS_TCP + "   3: 0100007F:9C4 garbage\n", null).self(4243).socket(4243, 3, 30001);

        OwnSockets own = OwnSockets.ofThisProcess(proc.root);

        assertEquals(List.of("127.0.0.1:40001"), formatted(own.listeners()));
        assertEquals(1, own.malformedLines());
    }

    @Test
    void withoutProcItSaysNothingCanBeRead() throws Exception {
        assertNull(OwnSockets.ofThisProcess(dir.resolve("no-proc")));
    }

    @Test
    void readsThisJvmsOwnSockets() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            OwnSockets own = OwnSockets.ofThisProcess(OwnSockets.PROC);
            assertEquals(1, own.listeners().stream().filter(l -> l.getPort() == server.getLocalPort()).count(),
                    own.listeners()::toString);
        }
    }
}
