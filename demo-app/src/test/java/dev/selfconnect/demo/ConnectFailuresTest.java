package dev.selfconnect.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectFailuresTest {

    /** Shaped like the agent's dev.selfconnect.SelfConnectException, which this module does not know. */
    static final class SubclassOfConnectException extends ConnectException {
        SubclassOfConnectException(String message) {
            super(message);
        }
    }

    private static final String AGENT_MESSAGE =
            "Connection refused: self-connection 127.0.0.1:40000 -> 127.0.0.1:40000; the agent refused it";

    @ParameterizedTest
    @ValueSource(strings = {"Connection refused", "Connection refused: connect", "Connection refused (Connection refused)"})
    void aConnectExceptionWithTheRefusalMessageIsAPlainRefusal(String message) {
        assertTrue(ConnectFailures.isPlainRefusal(new ConnectException(message)));
        assertEquals(Optional.empty(), ConnectFailures.rejection(new ConnectException(message)));
    }

    @Test
    void aSubclassIsNotAPlainRefusalEvenWithTheSameMessagePrefix() {
        ConnectException agent = new SubclassOfConnectException(AGENT_MESSAGE);
        assertFalse(ConnectFailures.isPlainRefusal(agent));
        assertSame(agent, ConnectFailures.rejection(agent).orElseThrow());
        assertFalse(ConnectFailures.isPlainRefusal(new SubclassOfConnectException("Connection refused")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Connection timed out", "Cannot assign requested address", "Connection refused: self-connection",
        "connection refused", ""})
    void anyOtherMessageIsARejection(String message) {
        ConnectException e = new ConnectException(message);
        assertFalse(ConnectFailures.isPlainRefusal(e));
        assertSame(e, ConnectFailures.rejection(e).orElseThrow());
    }

    @Test
    void aConnectExceptionWithoutMessageIsARejection() {
        assertFalse(ConnectFailures.isPlainRefusal(new ConnectException()));
        assertTrue(ConnectFailures.rejection(new ConnectException()).isPresent());
    }

    /** HttpClient throws a ConnectException without message whose cause is the real one. */
    @Test
    void theCauseChainDecides() {
        assertTrue(ConnectFailures.isPlainRefusal(wrapped(new ConnectException("Connection refused"))));

        ConnectException agent = new SubclassOfConnectException(AGENT_MESSAGE);
        ConnectException wrapper = wrapped(agent);
        assertFalse(ConnectFailures.isPlainRefusal(wrapper));
        assertSame(agent, ConnectFailures.rejection(wrapper).orElseThrow());

        ConnectException other = new ConnectException("Cannot assign requested address");
        assertSame(other, ConnectFailures.rejection(wrapped(other)).orElseThrow());

        assertTrue(ConnectFailures.isPlainRefusal(new ExecutionException(new ConnectException("Connection refused"))));
        assertTrue(ConnectFailures.isPlainRefusal(new IOException("wrapped", new ConnectException("Connection refused"))));
    }

    @Test
    void aSubclassAboveAPlainRefusalIsStillARejection() {
        ConnectException agent = new SubclassOfConnectException(AGENT_MESSAGE);
        agent.initCause(new ConnectException("Connection refused"));
        assertFalse(ConnectFailures.isPlainRefusal(agent));
        assertSame(agent, ConnectFailures.rejection(agent).orElseThrow());
    }

    @Test
    void failuresWithoutAConnectExceptionAreNeither() {
        IOException e = new IOException("Connection reset");
        assertFalse(ConnectFailures.isPlainRefusal(e));
        assertEquals(Optional.empty(), ConnectFailures.rejection(e));
    }

    /** What each JDK API really throws when nothing listens must count as a plain refusal, or the demo would never loop. */
    @ParameterizedTest
    @EnumSource(Api.class)
    void eachApisRealRefusalIsAPlainRefusal(Api api) throws Exception {
        InetSocketAddress closed = new InetSocketAddress(TestPorts.LOOPBACK, TestPorts.freeOddPort());
        try (Connector connector = api.open()) {
            IOException e = assertThrows(IOException.class, () -> connector.connect(closed));
            assertTrue(ConnectFailures.isPlainRefusal(e), () -> chain(e));
        }
    }

    /** A retry loop makes thousands of attempts: a failed one must not leave its socket open. */
    @ParameterizedTest
    @EnumSource(Api.class)
    void refusedAttemptsLeaveNoSocketOpen(Api api) throws Exception {
        Path openFiles = Path.of("/proc/self/fd");
        assumeTrue(Files.isDirectory(openFiles), "no /proc/self/fd here");
        InetSocketAddress closed = new InetSocketAddress(TestPorts.LOOPBACK, TestPorts.freeOddPort());
        try (Connector connector = api.open()) {
            assertThrows(IOException.class, () -> connector.connect(closed));
            long before = countEntries(openFiles);
            for (int i = 0; i < 2_000; i++) {
                assertThrows(IOException.class, () -> connector.connect(closed));
            }
            long after = countEntries(openFiles);
            assertTrue(after - before < 50, "open files: " + before + " before 2000 refused attempts, " + after + " after");
        }
    }

    private static long countEntries(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.count();
        }
    }

    private static ConnectException wrapped(Throwable cause) {
        ConnectException wrapper = new ConnectException();
        wrapper.initCause(cause);
        return wrapper;
    }

    private static String chain(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(" <- ").append(t);
        }
        return text.toString();
    }
}
