package dev.selfconnect.it;

import dev.selfconnect.it.AttachHarness.CliRun;
import dev.selfconnect.it.AttachHarness.Target;
import dev.selfconnect.it.ChildJvm.Jdk;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM whose /tmp is not the tool's (a service with PrivateTmp, a container sharing the host's pids): the tool on
 * Java 25 reaches it through /proc/PID/root, where it also leaves the file for the agent's answer; the tool on Java 17,
 * whose attach API would only make that JVM print thread dumps, says so and leaves it alone.
 */
class AttachPrivateTmpIT {

    private static final String SELF_CONNECTED = "RESULT connected local=127.0.0.1:40000 remote=127.0.0.1:40000";

    @Test
    @Timeout(120)
    void jvmWithItsOwnTmp() {
        List<Jdk> jdks = ChildJvm.jdks();
        Jdk jdk17 = jdks.stream().filter(j -> j.feature() == 17).findFirst().orElse(null);
        Jdk jdk25 = jdks.stream().filter(j -> j.feature() == 25).findFirst().orElse(null);
        Assumptions.assumeTrue(jdk17 != null && jdk25 != null, "needs JDK 17 and JDK 25");
        try (Target app = Target.inNamespaceWithPrivateTmp(jdk17)) {
            String pid = Long.toString(app.pid);

            CliRun refused = AttachHarness.cli(jdk17, "attach", pid, "mode=throw");
            assertEquals(2, refused.exitCode(), refused::toString);
            assertTrue(refused.stderr().startsWith("selfconnect: JVM " + pid + " runs in another mount namespace"),
                    refused::toString);
            assertTrue(refused.stderr().contains("run this tool with Java 25 or later"), refused::toString);
            // Its next line on standard output is the answer: no thread dump came before it.
            assertEquals(SELF_CONNECTED, app.send("socket"), app::toString);

            CliRun attach = AttachHarness.cli(jdk25, "attach", pid, "mode=throw");
            assertEquals(0, attach.exitCode(), attach::toString);
            assertTrue(attach.stdout().contains(" active on Java 17"), attach::toString);
            assertTrue(app.send("socket").startsWith("RESULT exception dev.selfconnect.SelfConnectException: "),
                    app::toString);
            CliRun status = AttachHarness.cli(jdk25, "status", pid);
            assertEquals(0, status.exitCode(), status::toString);
            assertTrue(status.stdout().contains("self-connections=1, exceptions-thrown=1"), status::toString);
        }
    }
}
