package dev.selfconnect.it;

import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.testsupport.NetworkNamespace;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The agent's output never holds up the application: a JVM whose standard error is a pipe nobody reads (full after
 * some 64 KB) keeps connecting in throw mode from several threads, every self-connection is rejected and reset, and
 * the JVM ends. The agent's reports beyond what the pipe and the queue hold are dropped and counted.
 */
class BlockedOutputIT {

    private static final int THREADS = 4;
    private static final int MAX_ATTEMPTS = 50_000;
    /** The pipe holds 64 KB; a WARN record with its frames is some 500 bytes: this many rejections fill it. */
    private static final int ENOUGH_TO_FILL_THE_PIPE = 300;
    private static final long TIMEOUT_SECONDS = 120;

    @TestFactory
    Stream<DynamicTest> aStandardErrorNobodyReadsBlocksNoConnectingThread() {
        return ChildJvm.jdks().stream().map(jdk -> DynamicTest.dynamicTest(jdk + ": stderr never read",
                () -> storm(jdk)));
    }

    private static void storm(Jdk jdk) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(NetworkNamespace.command(NetworkNamespace.ONE_PORT, "", List.of(
                jdk.java().toString(), "-javaagent:" + ChildJvm.AGENT_JAR.toAbsolutePath() + "=mode=throw",
                "-cp", AttachHarness.TEST_CLASSES.toString(), "dev.selfconnect.scenarios.ConnectStorm",
                Integer.toString(THREADS), Integer.toString(ENOUGH_TO_FILL_THE_PIPE),
                Integer.toString(MAX_ATTEMPTS))));
        builder.environment().keySet().removeIf(name -> name.startsWith("SELFCONNECT_"));
        // Standard error stays a pipe that this test never reads.
        Process process = builder.start();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail("the application hung with its standard error full (" + jdk + ")");
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), out);
            String tally = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElse("");
            int rejected = Integer.parseInt(tally.replaceAll(".*rejected=(\\d+).*", "$1"));
            assertTrue(tally.contains(" connected=0 "), "a self-connection went through: " + tally);
            assertTrue(rejected >= ENOUGH_TO_FILL_THE_PIPE, "too few self-connections to fill the pipe: " + tally);
        } finally {
            process.destroyForcibly();
            process.getErrorStream().close();
        }
    }
}
