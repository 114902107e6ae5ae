package dev.selfconnect.demo;

import static dev.selfconnect.demo.TestPorts.LOOPBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The outcomes and exit codes of whole runs, on this host's loopback, in this JVM. */
class MainTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Api.class)
    void aListeningServerIsAPeerNotASelfConnection(Api api) throws Exception {
        try (DemoServer server = new DemoServer(new InetSocketAddress(LOOPBACK, 0))) {
            int port = server.address().getPort();
            DemoRun run = DemoRun.of("reproduce", "--api", api.cliName(), "--port", Integer.toString(port));
            assertEquals(ExitCodes.CONNECTED, run.exitCode(), run::toString);
            assertEquals("CONNECTED", run.lastLine(), run::toString);
            assertTrue(run.out().contains("attempts=1 local="), run::toString);
            assertTrue(run.out().contains(" remote=127.0.0.1:" + port), run::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void aClosedOddPortIsNotReproducedInAFewAttempts(Api api) {
        int port = TestPorts.freeOddPort();
        DemoRun run = DemoRun.of("--api", api.cliName(), "--port", Integer.toString(port), "--max-attempts", "20");
        assertEquals(ExitCodes.NOT_REPRODUCED, run.exitCode(), run::toString);
        assertEquals("NOT-REPRODUCED", run.lastLine(), run::toString);
        assertTrue(run.out().contains("attempts=20 "), run::toString);
    }

    /** HttpClient hides its addresses: only its own request read back proves a self-connection, not any garbage. */
    @Test
    void anHttpPeerThatAnswersGarbageIsNotTakenForASelfConnection() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> {
                try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
                    out.write("HELLO\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    socket.getInputStream().read(new byte[1024]);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            DemoRun run = DemoRun.of("--api", "http", "--port", Integer.toString(server.getLocalPort()));
            assertEquals(ExitCodes.UNEXPECTED_ERROR, run.exitCode(), run::toString);
            assertTrue(!run.out().contains("SELF-CONNECTED"), run::toString);
            peer.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void serveIsARealPeerForAClientRun() throws Exception {
        int port = TestPorts.freeEvenPort();
        CompletableFuture<DemoRun> serve = CompletableFuture.supplyAsync(
                () -> DemoRun.of("serve", "--port", Integer.toString(port), "--for", "3"));
        DemoRun client = null;
        for (int i = 0; i < 50 && (client == null || client.exitCode() != ExitCodes.CONNECTED); i++) {
            Thread.sleep(50);
            client = DemoRun.of("--api", "http", "--port", Integer.toString(port), "--max-attempts", "1");
        }
        assertEquals(ExitCodes.CONNECTED, client.exitCode(), client::toString);
        DemoRun server = serve.get(20, TimeUnit.SECONDS);
        assertEquals(ExitCodes.OK, server.exitCode(), server::toString);
        assertEquals("LISTENING 127.0.0.1:" + port, server.outLines().get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--port abc", "--port 0", "--port 65536", "--api ftp", "bogus", "--port", "--host 192.0.2.1"})
    void badInputPrintsTheUsageAndExits2(String args) {
        DemoRun run = DemoRun.of(args.split(" "));
        assertEquals(ExitCodes.USAGE_ERROR, run.exitCode(), run::toString);
        assertTrue(run.err().startsWith("error: "), run::toString);
        assertTrue(run.err().contains("Usage: java -jar demo-app.jar"), run::toString);
        assertEquals("", run.out());
    }

    @Test
    void withoutTheRangeFileItAsksForAPortAndExits2() {
        DemoRun run = DemoRun.of(dir.resolve("absent"), "reproduce");
        assertEquals(ExitCodes.USAGE_ERROR, run.exitCode(), run::toString);
        assertTrue(run.err().contains("does not look like Linux"), run::toString);
        assertTrue(run.err().contains("pass --port N"), run::toString);
    }

    @Test
    void withoutTheRangeFileAGivenPortStillWorks() throws Exception {
        try (DemoServer server = new DemoServer(new InetSocketAddress(LOOPBACK, 0))) {
            DemoRun run = DemoRun.of(dir.resolve("absent"), "--port", Integer.toString(server.address().getPort()));
            assertEquals(ExitCodes.CONNECTED, run.exitCode(), run::toString);
        }
    }

    @Test
    void aSinglePortRangeIsTheDefaultTarget() throws Exception {
        int port = TestPorts.freeOddPort();
        Path rangeFile = Files.writeString(dir.resolve("range"), port + " " + port);
        DemoRun run = DemoRun.of(rangeFile, "--max-attempts", "3");
        assertEquals(ExitCodes.NOT_REPRODUCED, run.exitCode(), run::toString);
        assertTrue(run.out().contains("127.0.0.1:" + port), run::toString);
        assertTrue(run.out().contains("the only port of the ephemeral port range"), run::toString);
        assertTrue(run.out().contains("\nwhy: Linux did not hand out the chosen port in 3 attempts; run it again"),
                run::toString);
    }

    @Test
    void aReservedPortSaysWhyItCannotReproduce() throws Exception {
        int port = TestPorts.freeOddPort();
        Path rangeFile = Files.writeString(dir.resolve("range"), (port - 1) + " " + (port + 1));
        Files.writeString(dir.resolve(ReservedPorts.FILE_NAME), Integer.toString(port));
        DemoRun run = DemoRun.of(rangeFile, "--port", Integer.toString(port), "--max-attempts", "3");
        assertEquals(ExitCodes.NOT_REPRODUCED, run.exitCode(), run::toString);
        assertTrue(run.out().contains("port " + port + ": from --port; note: reserved (net.ipv4.ip_local_reserved_ports"
                + " = " + port + "), so it can never self-connect\n"), run::toString);
        assertTrue(run.out().contains("\nwhy: port " + port + " is reserved (net.ipv4.ip_local_reserved_ports = "
                + port + "), so Linux never hands it out as a source port; run without --port"), run::toString);
        assertEquals("NOT-REPRODUCED", run.lastLine(), run::toString);
    }

    @Test
    void aPortInUseSaysWhyItCannotReproduce() throws Exception {
        int port = TestPorts.freeOddPort();
        Path rangeFile = Files.writeString(dir.resolve("range"), (port - 1) + " " + (port + 1));
        try (Socket bound = new Socket()) {
            bound.bind(new InetSocketAddress(LOOPBACK, port));
            DemoRun run = DemoRun.of(rangeFile, "--port", Integer.toString(port), "--max-attempts", "3");
            assertEquals(ExitCodes.NOT_REPRODUCED, run.exitCode(), run::toString);
            assertTrue(run.out().contains("\nwhy: port " + port + " is in use (a listener, another connection's"
                    + " source port, or a closed connection in TIME_WAIT"), run::toString);
        }
    }

    @Test
    void aPortOutsideTheRangeSaysWhyItCannotReproduce() throws Exception {
        int port = TestPorts.freeOddPort();
        Path rangeFile = Files.writeString(dir.resolve("range"), (port + 1) + " " + (port + 3));
        DemoRun run = DemoRun.of(rangeFile, "--port", Integer.toString(port), "--max-attempts", "3");
        assertEquals(ExitCodes.NOT_REPRODUCED, run.exitCode(), run::toString);
        assertTrue(run.out().contains("\nwhy: port " + port + " lies outside the ephemeral port range "
                + (port + 1) + "-" + (port + 3) + ", so Linux never hands it out as a source port"), run::toString);
    }

    @Test
    void freePortPrintsTheDefaultPort() throws Exception {
        Path rangeFile = Files.writeString(dir.resolve("range"), "32768 60999");
        DemoRun run = DemoRun.of(rangeFile, "free-port");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        int port = Integer.parseInt(run.out().trim());
        assertTrue(port % 2 == 0 && port >= 32768 && port <= 60999, run::toString);
    }

    @Test
    void helpGoesToStandardOutput() {
        DemoRun run = DemoRun.of("help");
        assertEquals(ExitCodes.OK, run.exitCode());
        assertTrue(run.out().startsWith("Usage: "), run::toString);
    }

    /** The claim of the demo: on a stock Linux host, with no namespace, it reproduces within the default attempts. */
    @Test
    void reproducesOnThisHost() {
        assumeTrue(Files.exists(EphemeralPortRange.LINUX_FILE), "not Linux");
        DemoRun run = DemoRun.of("reproduce", "--api", "channel");
        assertEquals(ExitCodes.SELF_CONNECTED, run.exitCode(), run::toString);
        assertEquals("SELF-CONNECTED", run.lastLine(), run::toString);
        assertTrue(run.out().matches("(?s).*attempts=\\d+ local=(127\\.0\\.0\\.1:\\d+) remote=\\1\n.*"), run::toString);
    }
}
