package dev.selfconnect.it;

import dev.selfconnect.it.AttachHarness.CliRun;
import dev.selfconnect.it.AttachHarness.Target;
import dev.selfconnect.it.ChildJvm.Jdk;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One agent state: a JVM started with the agent and an audit file, then switched off, on again and detached with the
 * attach tool. After each step the MBean (read from the application's platform MBean server), the audit file's
 * descriptor and {@code status} agree with the state in force.
 */
class AgentStateIT {

    private static final String ACTIVE_MBEAN = "RESULT mbean registered=true State=active Mode=%s Protection=protects"
            + " Socket, SocketChannel, AsynchronousSocketChannel";

    @TempDir
    Path dir;

    static List<Jdk> jdks() {
        return ChildJvm.jdks();
    }

    /**
     * An attach changes only the settings it names and says what changed; --reset starts from the defaults. The
     * target's own output gets one line per change and nothing else (the JDK's own warning about a dynamically loaded
     * agent on 21 and later aside).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    @Timeout(180)
    void attachChangesOnlyWhatItNames(Jdk jdk) {
        try (Target app = Target.inNamespace(jdk)) {
            String pid = Long.toString(app.pid);
            CliRun first = AttachHarness.cli(jdk, "attach", pid, "mode=throw");
            assertEquals(0, first.exitCode(), first::toString);
            int lines = agentLines(app);
            assertEquals(1, lines, app::toString);

            CliRun second = AttachHarness.cli(jdk, "attach", pid, "stack-traces=false");
            assertEquals(0, second.exitCode(), second::toString);
            assertTrue(second.stdout().contains("reconfigured: mode=throw, stack-traces=false, ignore=none"),
                    second::toString);
            assertTrue(second.stdout().contains("changed: stack-traces: true -> false"), second::toString);
            assertEquals(lines + 1, agentLines(app), app::toString);

            CliRun same = AttachHarness.cli(jdk, "attach", pid, "stack-traces=false");
            assertTrue(same.stdout().contains("changed: nothing changed"), same::toString);
            CliRun status = AttachHarness.cli(jdk, "status", pid);
            assertTrue(status.stdout().contains("settings: mode=throw, stack-traces=false, ignore=none"),
                    status::toString);
            CliRun bad = AttachHarness.cli(jdk, "attach", pid, "audit.file=" + dir.resolve("no/such/dir/x.jsonl"));
            assertEquals(2, bad.exitCode(), bad::toString);
            assertEquals(lines + 1, agentLines(app), "no change, status, a bad setting: nothing in the target\n" + app);
            assertTrue(app.stderr().lines().noneMatch(l -> l.contains("ASSERTION FAILED") || l.contains("Agent failed")),
                    app::toString);

            // The service setting names the JVM in the status's identity line, with its host and process id.
            CliRun named = AttachHarness.cli(jdk, "attach", pid, "service=orders-api");
            assertEquals(0, named.exitCode(), named::toString);
            assertTrue(named.stdout().contains("changed: service: none -> orders-api"), named::toString);
            CliRun identified = AttachHarness.cli(jdk, "status", pid);
            assertTrue(identified.stdout().contains("\nidentity: service.name=orders-api host.name="),
                    identified::toString);
            assertTrue(identified.stdout().contains(" process.pid=" + pid + " "), identified::toString);

            CliRun reset = AttachHarness.cli(jdk, "attach", pid, "--reset");
            assertEquals(0, reset.exitCode(), reset::toString);
            assertTrue(reset.stdout().contains("reconfigured: mode=log, stack-traces=true, ignore=none"),
                    reset::toString);
        }
    }

    /** Lines the target wrote besides the JDK's own warning about dynamically loaded agents (JDK 21 and later). */
    private static int agentLines(Target app) {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return (int) app.stderr().lines().filter(l -> !l.startsWith("WARNING: ")).count();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    @Timeout(180)
    void offOnAndDetachReplaceTheWholeState(Jdk jdk) {
        Path file = dir.resolve(jdk.name().replace(' ', '-') + ".jsonl");
        try (Target app = Target.inNamespace(jdk,
                "-javaagent:" + ChildJvm.AGENT_JAR.toAbsolutePath() + "=audit.file=" + file)) {
            String pid = Long.toString(app.pid);
            assertTrue(app.send("socket").startsWith("RESULT connected"), app::toString);
            assertEquals(String.format(ACTIVE_MBEAN, "log"), app.send("mbean"), app::toString);
            assertEquals("RESULT holds true", app.send("holds " + file), "the self-connection was written\n" + app);

            CliRun off = AttachHarness.cli(jdk, "attach", pid, "mode=off");
            assertEquals(0, off.exitCode(), off::toString);
            assertEquals("RESULT mbean registered=false", app.send("mbean"), app::toString);
            assertEquals("RESULT holds false", app.send("holds " + file), "mode=off closes the audit file\n" + app);
            assertTrue(AttachHarness.cli(jdk, "status", pid).stdout().contains(" not active (off) on Java "));

            CliRun on = AttachHarness.cli(jdk, "attach", pid, "mode=throw", "audit.file=" + file);
            assertEquals(0, on.exitCode(), on::toString);
            assertEquals(String.format(ACTIVE_MBEAN, "throw"), app.send("mbean"), app::toString);
            CliRun status = AttachHarness.cli(jdk, "status", pid);
            assertTrue(status.stdout().contains("protection: protects Socket, SocketChannel, AsynchronousSocketChannel"),
                    status::toString);

            CliRun detach = AttachHarness.cli(jdk, "detach", pid);
            assertEquals(0, detach.exitCode(), detach::toString);
            assertEquals("RESULT mbean registered=false", app.send("mbean"), app::toString);
            assertEquals("RESULT holds false", app.send("holds " + file), app::toString);
            assertTrue(AttachHarness.cli(jdk, "status", pid).stdout().contains(" not active (detached) on Java "));
        }
    }
}
