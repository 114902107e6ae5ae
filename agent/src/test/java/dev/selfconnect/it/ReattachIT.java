package dev.selfconnect.it;

import dev.selfconnect.it.AttachHarness.CliRun;
import dev.selfconnect.it.AttachHarness.Target;
import dev.selfconnect.it.ChildJvm.Jdk;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attach, detach, attach again: every attach protects again, however often (a detach leaves the hooks inert, the next
 * attach gives them listeners again), and every detach lets the next self-connection through.
 */
class ReattachIT {

    /** More on 17 and 25, fewer elsewhere; AttachCyclesIT makes fifty cycles through the attach API in one JVM. */
    private static final int CYCLES_ON_17_AND_25 = 8;
    private static final int CYCLES_ELSEWHERE = 5;
    private static final String REJECTED = "RESULT exception dev.selfconnect.SelfConnectException";
    private static final String SELF_CONNECTED = "RESULT connected local=127.0.0.1:40000 remote=127.0.0.1:40000";

    static List<Jdk> jdks() {
        return ChildJvm.jdks();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    @Timeout(600)
    void everyAttachAfterADetachProtectsAgain(Jdk jdk) {
        int cycles = jdk.feature() == 17 || jdk.feature() == 25 ? CYCLES_ON_17_AND_25 : CYCLES_ELSEWHERE;
        try (Target app = Target.inNamespace(jdk)) {
            String pid = Long.toString(app.pid);
            assertEquals(SELF_CONNECTED, app.send("socket"), app::toString);
            for (int cycle = 1; cycle <= cycles; cycle++) {
                CliRun attach = AttachHarness.cli(jdk, "attach", pid, "mode=throw");
                assertEquals(0, attach.exitCode(), "cycle " + cycle + "\n" + attach);
                assertTrue(app.send("socket").startsWith(REJECTED), "cycle " + cycle + "\n" + app);
                assertTrue(app.send("channel").startsWith(REJECTED), "cycle " + cycle + "\n" + app);
                CliRun detach = AttachHarness.cli(jdk, "detach", pid);
                assertEquals(0, detach.exitCode(), "cycle " + cycle + "\n" + detach);
                assertEquals(SELF_CONNECTED, app.send("socket"), "cycle " + cycle + "\n" + app);
            }
            CliRun status = AttachHarness.cli(jdk, "status", pid);
            assertTrue(status.stdout().contains("self-connections=" + (2 * cycles) + ", exceptions-thrown="
                    + (2 * cycles)), status::toString);
        }
    }
}
