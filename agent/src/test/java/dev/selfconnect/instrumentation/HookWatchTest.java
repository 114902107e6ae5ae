package dev.selfconnect.instrumentation;

import dev.selfconnect.vocabulary.Notices;
import dev.selfconnect.hooks.HookPoint;
import dev.selfconnect.hooks.JdkHooks;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

import static dev.selfconnect.instrumentation.HookWatch.Outcome.GONE;
import static dev.selfconnect.instrumentation.HookWatch.Outcome.HOOKED;
import static dev.selfconnect.instrumentation.HookWatch.Outcome.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HookWatchTest {

    private static final String REMOVED = "Socket (Socket.connect: its hook was removed by a redefinition of"
            + " java.net.Socket by another tool";

    private final Protection protection = new Protection(JdkHooks.POINTS, 17);
    private final List<String> lines = new ArrayList<>();
    private final Deque<HookWatch.Outcome> outcomes = new ArrayDeque<>();
    private int rehooks;
    private Exception rehookFailure;

    HookWatchTest() {
        List<HookPoint> all = new ArrayList<>(JdkHooks.POINTS);
        protection.hooked(all);
        protection.verify();
    }

    private HookWatch watch() {
        return new HookWatch("java.net.Socket", "java.net.Socket.connect", () -> outcomes.removeFirst(), () -> {
            rehooks++;
            if (rehookFailure != null) {
                throw rehookFailure;
            }
        }, protection, new Notices() {
            @Override
            public void info(String message) {
                lines.add("INFO " + message);
            }

            @Override
            public void warn(String message) {
                lines.add("WARN " + message);
            }
        });
    }

    @Test
    void aHookInPlaceOrAnUnclearProbeChangesNothing() {
        outcomes.addAll(Arrays.asList(HOOKED, UNKNOWN));
        HookWatch watch = watch();

        watch.check();
        watch.check();

        assertEquals(List.of(), lines);
        assertEquals(0, rehooks);
        assertEquals("protects Socket, SocketChannel, AsynchronousSocketChannel", protection.describe());
        assertNull(protection.redefinitions());
    }

    @Test
    void aHookFoundGoneIsReportedThenRestored() {
        outcomes.addAll(Arrays.asList(GONE, HOOKED));

        watch().check();

        assertEquals(List.of("WARN NOT protected: java.net.Socket.connect: its hook was removed by a redefinition of"
                + " java.net.Socket by another tool; weaving it again", "INFO protection restored:"
                + " java.net.Socket.connect is hooked again (java.net.Socket woven again by retransformation)"), lines);
        assertEquals(1, rehooks);
        assertEquals("protects Socket, SocketChannel, AsynchronousSocketChannel; hooks removed by another tool's"
                + " redefinition: 1, restored: 1", protection.describe());
    }

    @Test
    void aHookThatCannotBeRestoredLeavesTheProtectionDegradedNamingThePath() {
        outcomes.addAll(Arrays.asList(GONE, GONE, GONE, GONE, GONE, HOOKED));
        HookWatch watch = watch();

        watch.check();

        assertEquals(2, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("WARN NOT protected: java.net.Socket.connect: its hook was removed"));
        assertEquals("WARN NOT protected: java.net.Socket.connect: weaving it again failed (the probe still finds no"
                + " hook); connects through it are not checked; the agent tries again at each check", lines.get(1));
        assertEquals(List.of(REMOVED + "; weaving it again failed: the probe still finds no hook)"),
                protection.missing());
        assertEquals("protects SocketChannel, AsynchronousSocketChannel; NOT protected: " + REMOVED
                + "; weaving it again failed: the probe still finds no hook); hooks removed by another tool's"
                + " redefinition: 1, restored: 0", protection.describe());

        watch.check(); // the same failure again: tried again, not said again

        assertEquals(2, lines.size(), lines::toString);
        assertEquals(2, rehooks);

        watch.check();

        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.get(2).startsWith("INFO protection restored: java.net.Socket.connect"), lines::toString);
        assertEquals("protects Socket, SocketChannel, AsynchronousSocketChannel; hooks removed by another tool's"
                + " redefinition: 1, restored: 1", protection.describe());
    }

    @Test
    void aFailingRetransformationIsNamed() {
        outcomes.add(GONE);
        rehookFailure = new IllegalStateException("retransformation refused");

        watch().check();

        assertEquals("WARN NOT protected: java.net.Socket.connect: weaving it again failed"
                + " (java.lang.IllegalStateException: retransformation refused); connects through it are not checked;"
                + " the agent tries again at each check", lines.get(1));
        assertFalse(protection.protectedFamilies().contains("Socket"));
    }

    /** This JVM runs without the agent: its Socket.connect has no hook, and the real probe says so. */
    @Test
    void theSocketProbeFindsNoHookInAnUnwovenSocket() {
        assertEquals(GONE, new SocketProbe().probe());
    }
}
