package dev.selfconnect.it;

import dev.selfconnect.it.AttachHarness.CliRun;
import dev.selfconnect.it.AttachHarness.Target;
import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.testsupport.ChildProcess;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attach lifecycle, on each JDK: an application started without the agent, in a namespace whose ephemeral
 * range is the one port 40000, self-connects; {@code attach PID mode=throw} protects it (already-loaded Socket and
 * SocketChannel classes are retransformed), the port stays free, {@code status} counts, a second attach reconfigures
 * without instrumenting twice, {@code list} shows it, {@code detach} gives the application back its old behaviour
 * (the hooks stay woven and do nothing: a self-connection is neither rejected nor reported), and attaching again
 * reuses those hooks and rejects again.
 */
class AttachLifecycleIT {

    private static final String SELF_CONNECTED = "RESULT connected local=127.0.0.1:40000 remote=127.0.0.1:40000";
    private static final String REJECTED = "RESULT exception dev.selfconnect.SelfConnectException: Connection refused: "
            + "self-connection 127.0.0.1:40000 -> 127.0.0.1:40000";
    private static final String AGENT_WARNING = "[selfconnect] WARN self-connection 127.0.0.1:40000 -> 127.0.0.1:40000";
    private static final String JDK_WARNING = "WARNING: A Java agent has been loaded dynamically";

    static List<Jdk> jdks() {
        return ChildJvm.jdks();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    @Timeout(180)
    void attachThrowStatusReconfigureDetach(Jdk jdk) {
        try (Target app = Target.inNamespace(jdk)) {
            String pid = Long.toString(app.pid);

            // Without the agent: both APIs self-connect (and load their JDK classes before the agent comes).
            assertEquals(SELF_CONNECTED, app.send("socket"), app::toString);
            assertEquals(SELF_CONNECTED, app.send("channel"), app::toString);
            CliRun notLoaded = AttachHarness.cli(jdk, "status", pid);
            assertEquals(0, notLoaded.exitCode(), notLoaded::toString);
            assertEquals("selfconnect is not loaded in JVM " + pid + " (dev.selfconnect.scenarios.ConnectOnDemand)",
                    notLoaded.stdout().trim(), notLoaded::toString);
            assertFalse(app.stderr().contains(JDK_WARNING), "status loaded nothing:\n" + app);

            CliRun attach = AttachHarness.cli(jdk, "attach", pid, "mode=throw");
            assertEquals(0, attach.exitCode(), attach::toString);
            assertTrue(attach.stdout().matches("(?s)JVM " + pid + " \\(dev.selfconnect.scenarios.ConnectOnDemand\\): "
                    + "selfconnect \\S+ active on Java \\S+: mode=throw, stack-traces=true, ignore=none"
                    + ChildJvm.PROTECTS + "\\R"
                    + "done in \\d+ ms\\R"), attach::toString);
            System.out.printf("TIMING %s attach to protection: %d ms reported by the tool (attach request to the "
                    + "agent's answer), %d ms for the whole command%n", jdk, attach.reportedMillis(), attach.millis());

            // Protected: the next connect is rejected, the port is left free for a server, the counters show it.
            assertTrue(app.send("socket").startsWith(REJECTED), app::toString);
            assertEquals("RESULT bind ok 127.0.0.1:40000", app.send("bind"), app::toString);
            String beforeStatus = settledStderr(app);
            CliRun status = AttachHarness.cli(jdk, "status", pid);
            assertEquals(0, status.exitCode(), status::toString);
            assertEquals(beforeStatus, settledStderr(app), "status reads the marker: nothing is loaded or printed");
            assertTrue(status.stdout().contains("settings: mode=throw, stack-traces=true, ignore=none"),
                    status::toString);
            assertTrue(status.stdout().contains("self-connections=1, exceptions-thrown=1"), status::toString);
            assertTrue(app.send("channel").startsWith(REJECTED), app::toString);

            // A bad setting never reaches the JVM.
            String before = settledStderr(app);
            CliRun bad = AttachHarness.cli(jdk, "attach", pid, "mode=banana");
            assertEquals(2, bad.exitCode(), bad::toString);
            assertEquals("selfconnect: bad setting: invalid value 'banana' for selfconnect.mode (argument "
                    + "mode=banana): expected log, throw or off", bad.stderr().trim(), bad::toString);
            assertEquals(before, settledStderr(app), "the target heard nothing of the bad attach");

            // Attaching again reconfigures the agent that is there; a connect is reported once, not twice.
            CliRun again = AttachHarness.cli(jdk, "attach", pid, "mode=log", "stack-traces=false");
            assertEquals(0, again.exitCode(), again::toString);
            assertTrue(again.stdout().contains(" reconfigured: mode=log, stack-traces=false, ignore=none"),
                    again::toString);
            assertTrue(again.stdout().contains("nothing is instrumented twice"), again::toString);
            int warnings = count(app.stderr(), AGENT_WARNING);
            assertEquals(SELF_CONNECTED, app.send("socket"), app::toString);
            assertEquals(warnings + 1, count(awaitStderr(app, warnings + 1), AGENT_WARNING), app::toString);

            CliRun list = AttachHarness.cli(jdk, "list");
            assertEquals(0, list.exitCode(), list::toString);
            String version = jdk.versionPrefix().replace(".", "\\.");
            String listed = pid + " +" + version + "\\S* +active \\(mode=log\\) "
                    + "+dev\\.selfconnect\\.scenarios\\.ConnectOnDemand";
            assertTrue(list.stdout().lines().anyMatch(l -> l.matches(listed)), list::toString);

            // Detached: the application self-connects again, as it did before the agent came, and nothing reports it.
            CliRun detach = AttachHarness.cli(jdk, "detach", pid);
            assertEquals(0, detach.exitCode(), detach::toString);
            assertTrue(detach.stdout().contains(" detached: nothing is checked any more; the woven JDK classes keep a"
                    + " hook that does nothing until the next attach"), detach::toString);
            assertEquals(SELF_CONNECTED, app.send("socket"), app::toString);
            assertEquals(SELF_CONNECTED, app.send("channel"), app::toString);
            CliRun after = AttachHarness.cli(jdk, "status", pid);
            assertTrue(after.stdout().contains(" not active (detached) on Java "), after::toString);
            assertTrue(after.stdout().contains("protection: protects nothing (detached); the woven JDK classes keep a"
                    + " hook that does nothing until the next attach"), after::toString);
            assertTrue(after.stdout().contains("self-connections=3, exceptions-thrown=2"), after::toString);
            assertEquals(warnings + 1, count(settledStderr(app), AGENT_WARNING), app::toString);

            // Attached again: the hooks left in place are reused, and reject again.
            CliRun reattach = AttachHarness.cli(jdk, "attach", pid, "mode=throw");
            assertEquals(0, reattach.exitCode(), reattach::toString);
            assertTrue(reattach.stdout().contains(ChildJvm.PROTECTS + "; reuses the hooks left in"
                    + " place"), reattach::toString);
            assertTrue(app.send("socket").startsWith(REJECTED), app::toString);
            assertTrue(app.send("channel").startsWith(REJECTED), app::toString);

            // JDK 21+ warns in the target at each dynamic load, and the tool says how to allow it silently.
            boolean warns = jdk.atLeast(21);
            assertEquals(warns, app.stderr().contains(JDK_WARNING), app::toString);
            assertEquals(warns, attach.stderr().contains("-XX:+EnableDynamicAgentLoading"), attach::toString);
        }
    }

    private static int count(String text, String line) {
        return (int) text.lines().filter(l -> l.startsWith(line)).count();
    }

    /** The target's standard error once nothing has come for 300 ms (it arrives apart from the RESULT lines). */
    private static String settledStderr(Target app) {
        return ChildProcess.settled(app::stderr, 300, 5_000);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The target's standard error once it holds that many agent warnings (it is written after the RESULT line). */
    private static String awaitStderr(Target app, int warnings) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (count(app.stderr(), AGENT_WARNING) < warnings && System.nanoTime() < deadline) {
            sleep(20);
        }
        return app.stderr();
    }
}
