package dev.selfconnect.it;

import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import dev.selfconnect.testsupport.NetworkNamespace;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Under a storm of connects the agent holds: 32 threads connect for a few seconds through the four JDK APIs to random
 * ports of a 256-port ephemeral range where nothing listens (dev.selfconnect.scenarios.FourApiStorm), so that some
 * connects self-connect. The application judges each connect itself. In throw mode none of its sockets is
 * self-connected, each self-connection became one SelfConnectException naming it, and the agent's counters agree;
 * in log mode each self-connection reached the application and was counted once. In both, after the storm: no file
 * descriptor more than before, no socket left on a port of the range (/proc/net/tcp, and a bind without
 * SO_REUSEADDR on every port), no thread hung, no internal failure.
 */
class StormIT {

    private static final String RANGE_LOW = "40000";
    private static final String RANGE_HIGH = "40255";
    private static final String THREADS = "32";
    private static final String WARMUP_MILLIS = "500";
    private static final String STORM_MILLIS = "2000";

    @TestFactory
    Stream<DynamicTest> aConnectStormThroughFourApis() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Jdk jdk : ChildJvm.jdks()) {
            tests.add(DynamicTest.dynamicTest(jdk + ": mode=throw", () -> throwMode(storm(jdk, "throw"))));
            if (jdk.feature() == 17 || jdk.feature() == 25) {
                tests.add(DynamicTest.dynamicTest(jdk + ": mode=log", () -> logMode(storm(jdk, "log"))));
            }
        }
        return tests.stream();
    }

    private static void throwMode(Result r) {
        finished(r);
        Map<String, Long> total = counts(r, "RESULT storm ");
        assertEquals(0, total.get("self-connected"), () -> "self-connections reached the application\n" + r);
        for (String api : new String[] {"socket", "channel-blocking", "channel-nonblocking", "async"}) {
            assertTrue(counts(r, "RESULT api " + api + " ").get("rejected") > 0,
                    () -> "the storm made no self-connection through " + api + ": it tested nothing\n" + r);
        }
        long rejected = total.get("rejected");
        assertEquals(String.valueOf(rejected), mbean(r, "SelfConnections"), r::toString);
        assertEquals(String.valueOf(rejected), mbean(r, "ExceptionsThrown"), r::toString);
        commonChecks(r, total);
    }

    private static void logMode(Result r) {
        finished(r);
        Map<String, Long> total = counts(r, "RESULT storm ");
        assertEquals(0, total.get("rejected"), r::toString);
        for (String api : new String[] {"socket", "channel-blocking", "channel-nonblocking", "async"}) {
            assertTrue(counts(r, "RESULT api " + api + " ").get("self-connected") > 0,
                    () -> "the storm made no self-connection through " + api + ": it tested nothing\n" + r);
        }
        assertEquals(String.valueOf(total.get("self-connected")), mbean(r, "SelfConnections"), r::toString);
        assertEquals("0", mbean(r, "ExceptionsThrown"), r::toString);
        commonChecks(r, total);
    }

    private static void finished(Result r) {
        assertFalse(r.hasResult("hung"), () -> "a connecting thread hung (every thread's stack below)\n" + r);
        assertEquals(0, r.exitCode(), r::toString);
    }

    private static void commonChecks(Result r, Map<String, Long> total) {
        assertEquals(0, total.get("wrong-rejection"), r::toString);
        assertEquals(0, total.get("other"), r::toString);
        // Nothing listens in the range: only a client that another client cross-connected to can be reset.
        assertTrue(total.get("reset-by-crossed-peer") <= total.get("cross-connected"), r::toString);
        assertEquals("0", mbean(r, "InternalFailures"), r::toString);
        assertTrue(r.agentLines("ERROR").isEmpty(), r::toString);
        Map<String, Long> fds = counts(r, "RESULT fds ");
        assertTrue(fds.get("after") <= fds.get("before"), () -> "file descriptors leaked\n" + r);
        assertTrue(r.results().contains("RESULT tcp-entries 0"), () -> "sockets left in the range\n" + r);
        assertTrue(r.results().contains("RESULT unbindable []"), () -> "ports held after the storm\n" + r);
    }

    private static Result storm(Jdk jdk, String mode) {
        ProcessBuilder builder = new ProcessBuilder(NetworkNamespace.command(RANGE_LOW + " " + RANGE_HIGH, "", List.of(
                jdk.java().toString(), "-javaagent:" + ChildJvm.AGENT_JAR.toAbsolutePath() + "=mode=" + mode,
                "-cp", AttachHarness.TEST_CLASSES.toString(), "dev.selfconnect.scenarios.FourApiStorm",
                THREADS, WARMUP_MILLIS, STORM_MILLIS, RANGE_LOW, RANGE_HIGH)));
        builder.environment().keySet().removeIf(name -> name.startsWith("SELFCONNECT_"));
        return ChildJvm.run(builder);
    }

    /** The NAME=NUMBER pairs of the result line that starts with {@code prefix}. */
    private static Map<String, Long> counts(Result r, String prefix) {
        String line = r.results().stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + prefix + "'\n" + r));
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String pair : line.substring(prefix.length()).split(" ")) {
            String[] parts = pair.split("=");
            counts.put(parts[0], Long.parseLong(parts[1]));
        }
        return counts;
    }

    private static String mbean(Result r, String attribute) {
        return AuditJvm.mbean(r, attribute);
    }
}
