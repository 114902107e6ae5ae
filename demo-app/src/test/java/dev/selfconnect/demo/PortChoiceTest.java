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
    @TempDir
    Path dir;

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
                assertEquals(busyPort + 2, PortChoice.freeEvenPort(range, LOOPBACK));
            }
        }
    }

    @Test
    void failsWhenNoEvenPortIsFree() throws Exception {
        int busyPort = TestPorts.freeEvenPort();
        try (ServerSocket busy = listen(busyPort)) {
            IOException e = assertThrows(IOException.class,
                    () -> PortChoice.freeEvenPort(new EphemeralPortRange(busyPort, busyPort + 1), LOOPBACK));
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
