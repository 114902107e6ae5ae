package dev.selfconnect.demo;

import static dev.selfconnect.demo.TestPorts.LOOPBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortChoiceTest {
    private static final ReservedPorts NONE_RESERVED = reserved("");

    @TempDir
    Path dir;

    @Test
    void skipsAReservedEvenPort() throws Exception {
        int port = freeEvenPortWithFreeNextEven();
        Path rangeFile = Files.writeString(dir.resolve("range"), port + " " + (port + 2));
        Files.writeString(dir.resolve(ReservedPorts.FILE_NAME), "1000," + port + "\n");
        for (int i = 0; i < 20; i++) {
            PortChoice choice = PortChoice.byDefault(rangeFile, LOOPBACK);
            assertEquals(port + 2, choice.port(), choice::toString);
            assertTrue(choice.reason().endsWith(", not reserved"), choice::toString);
        }
    }

    @Test
    void failsSayingWhyWhenEveryEvenPortIsReserved() throws Exception {
        int port = TestPorts.freeEvenPort();
        IOException e = assertThrows(IOException.class, () -> PortChoice.freeEvenPort(
                new EphemeralPortRange(port, port + 1), reserved((port - 10) + "-" + (port + 10)), LOOPBACK));
        assertEquals("no free even port in the ephemeral port range " + port + "-" + (port + 1) + " that is not"
                + " reserved (net.ipv4.ip_local_reserved_ports = " + (port - 10) + "-" + (port + 10) + ")",
                e.getMessage());
    }

    @Test
    void aReservedSinglePortRangeCannotReproduceAndSaysWhatToDo() throws Exception {
        Path rangeFile = Files.writeString(dir.resolve("range"), "40000 40000");
        Files.writeString(dir.resolve(ReservedPorts.FILE_NAME), "40000");
        UsageException e = assertThrows(UsageException.class, () -> PortChoice.byDefault(rangeFile, LOOPBACK));
        assertEquals("the only port of the ephemeral port range 40000-40000 is reserved"
                + " (net.ipv4.ip_local_reserved_ports = 40000), so Linux never hands it out as a source port and"
                + " nothing can self-connect: widen the range or unreserve the port", e.getMessage());
    }

    @Test
    void readsTheKernelsReservedPortsFormat() throws Exception {
        ReservedPorts ports = reserved("8080,9000-9002");
        assertTrue(ports.contains(8080) && ports.contains(9000) && ports.contains(9002));
        assertTrue(!ports.contains(8081) && !ports.contains(9003) && !ports.contains(8999));
        assertTrue(NONE_RESERVED.isEmpty());
        assertEquals("none", NONE_RESERVED.toString());
        assertThrows(IOException.class, () -> ReservedPorts.parse("80x", Path.of("reserved")));
        assertThrows(IOException.class, () -> ReservedPorts.parse("9-1", Path.of("reserved")));
    }

    @Test
    void withoutTheReservedPortsFileNothingIsReserved() throws Exception {
        assertTrue(ReservedPorts.nextTo(dir.resolve("range")).isEmpty());
    }

    private static ReservedPorts reserved(String content) {
        try {
            return ReservedPorts.parse(content, Path.of("reserved"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void choosesAFreeEvenPortInsideTheRange() throws Exception {
        Path rangeFile = Files.writeString(dir.resolve("range"), "32768 60999");
        for (int i = 0; i < 20; i++) {
            PortChoice choice = PortChoice.byDefault(rangeFile, LOOPBACK);
            assertEquals(0, choice.port() % 2, "even: " + choice);
            assertTrue(choice.port() >= 32768 && choice.port() <= 60999, choice.toString());
            assertTrue(PortChoice.isFree(LOOPBACK, choice.port()), choice.toString());
        }
    }

    @Test
    void aSinglePortRangeGivesThatPortEvenIfOddOrBusy() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, LOOPBACK)) {
            int port = busy.getLocalPort();
            Path rangeFile = Files.writeString(dir.resolve("range"), port + " " + port);
            PortChoice choice = PortChoice.byDefault(rangeFile, LOOPBACK);
            assertEquals(port, choice.port());
            assertTrue(choice.reason().contains("only port"), choice.reason());
        }
    }

    @Test
    void skipsABusyEvenPort() throws Exception {
        int busyPort = freeEvenPortWithFreeNextEven();
        try (ServerSocket busy = listen(busyPort)) {
            EphemeralPortRange range = new EphemeralPortRange(busyPort, busyPort + 2);
            for (int i = 0; i < 20; i++) {
                assertEquals(busyPort + 2, PortChoice.freeEvenPort(range, NONE_RESERVED, LOOPBACK));
            }
        }
    }

    @Test
    void failsWhenNoEvenPortIsFree() throws Exception {
        int busyPort = TestPorts.freeEvenPort();
        try (ServerSocket busy = listen(busyPort)) {
            IOException e = assertThrows(IOException.class,
                    () -> PortChoice.freeEvenPort(new EphemeralPortRange(busyPort, busyPort + 1), NONE_RESERVED,
                            LOOPBACK));
            assertTrue(e.getMessage().contains("no free even port"), e.getMessage());
        }
    }

    @Test
    void withoutTheRangeFileItAsksForAPort() {
        UsageException e = assertThrows(UsageException.class,
                () -> PortChoice.byDefault(dir.resolve("absent"), LOOPBACK));
        assertTrue(e.getMessage().contains("--port"), e.getMessage());
    }

    @Test
    void aListeningPortIsNotFree() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, LOOPBACK)) {
            assertTrue(!PortChoice.isFree(LOOPBACK, busy.getLocalPort()));
        }
    }

    private static int freeEvenPortWithFreeNextEven() {
        for (int i = 0; i < 100; i++) {
            int port = TestPorts.freeEvenPort();
            if (PortChoice.isFree(LOOPBACK, port + 2)) {
                return port;
            }
        }
        throw new IllegalStateException("no two free even ports in a row");
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(LOOPBACK, port));
        return socket;
    }
}
