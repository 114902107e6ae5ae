package dev.selfconnect.it;

import dev.selfconnect.it.AttachHarness.CliRun;
import dev.selfconnect.it.AttachHarness.Target;
import dev.selfconnect.it.ChildJvm.Jdk;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM whose /tmp is not the tool's (a service with PrivateTmp, a container sharing the host's pids), on each JDK:
 * the tool on Java 25 reaches it through /proc/PID/root (the agent answers through the attach channel); the tool
 * on the target's own older JDK, whose attach API would only make that JVM print thread dumps, says so and leaves it
 * alone.
 */
class AttachPrivateTmpIT {

    private static final String SELF_CONNECTED = "RESULT connected local=127.0.0.1:40000 remote=127.0.0.1:40000";

    static List<Jdk> jdks() {
        return ChildJvm.jdks();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    @Timeout(120)
    void jvmWithItsOwnTmp(Jdk jdk) {
        Jdk jdk25 = jdks().stream().filter(j -> j.feature() == 25).findFirst().orElse(null);
        Assumptions.assumeTrue(jdk25 != null, "needs JDK 25 for the tool");
        try (Target app = Target.inNamespaceWithPrivateTmp(jdk)) {
            String pid = Long.toString(app.pid);

            if (!jdk.atLeast(25)) {
                CliRun refused = AttachHarness.cli(jdk, "attach", pid, "mode=throw");
                assertEquals(2, refused.exitCode(), refused::toString);
                assertTrue(refused.stderr().startsWith("selfconnect: JVM " + pid + " runs in another mount "
                        + "namespace"), refused::toString);
                assertTrue(refused.stderr().contains("run this tool with Java 25 or later"), refused::toString);
            }
            // Its next line on standard output is the answer: no thread dump came before it.
            assertEquals(SELF_CONNECTED, app.send("socket"), app::toString);

            CliRun attach = AttachHarness.cli(jdk25, "attach", pid, "mode=throw");
            assertEquals(0, attach.exitCode(), attach::toString);
            assertTrue(attach.stdout().contains(" active on Java " + jdk.versionPrefix()), attach::toString);
            assertTrue(app.send("socket").startsWith("RESULT exception dev.selfconnect.SelfConnectException: "),
                    app::toString);
            CliRun status = AttachHarness.cli(jdk25, "status", pid);
            assertEquals(0, status.exitCode(), status::toString);
            assertTrue(status.stdout().contains("self-connections=1, exceptions-thrown=1"), status::toString);
        }
    }
}
