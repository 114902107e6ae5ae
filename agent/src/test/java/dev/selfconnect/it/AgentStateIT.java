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
