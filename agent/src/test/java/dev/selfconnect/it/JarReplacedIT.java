package dev.selfconnect.it;

import dev.selfconnect.it.AttachHarness.CliRun;
import dev.selfconnect.it.AttachHarness.Target;
import dev.selfconnect.it.ChildJvm.Jdk;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A deploy overwrites the agent jar in place while the JVM runs: the first self-connection after it is still
 * rejected and its port freed, because what a self-connection needs was loaded once the weaving was done.
 */
class JarReplacedIT {

    private static final int STATUS_TRIES = 30;

    @TempDir
    Path dir;

    static List<Jdk> jdks() {
        return ChildJvm.jdks();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    @Timeout(120)
    void aSelfConnectionAfterTheJarWasOverwrittenIsStillRejected(Jdk jdk) throws Exception {
        Path jar = Files.copy(ChildJvm.AGENT_JAR, dir.resolve("selfconnect.jar"), StandardCopyOption.REPLACE_EXISTING);
        try (Target app = Target.inNamespace(jdk, "-javaagent:" + jar + "=mode=throw")) {
            String pid = Long.toString(app.pid);
            boolean verified = false;
            CliRun status = null;
            for (int i = 0; i < STATUS_TRIES && !verified; i++) {
                status = AttachHarness.cli(jdk, "status", pid);
                verified = status.stdout().contains("protection: protects Socket, SocketChannel")
                        && !status.stdout().contains("being verified") && !status.stdout().contains("still loading");
            }
            assertTrue(verified, "the agent's weaving was not verified\n" + status + "\n" + app);

            // Overwritten in place, its length kept: a shorter file under the JVM's mapping of the jar would crash a
            // Java 8 JVM in its zip library whatever the agent does (SIGBUS), as any jar on its class path would.
            try (FileChannel out = FileChannel.open(jar, StandardOpenOption.WRITE)) {
                ByteBuffer zeros = ByteBuffer.allocate((int) Files.size(jar));
                while (zeros.hasRemaining()) {
                    out.write(zeros);
                }
            }

            assertTrue(app.send("socket").startsWith("RESULT exception dev.selfconnect.SelfConnectException"),
                    app::toString);
            assertEquals("RESULT bind ok 127.0.0.1:40000", app.send("bind"), app::toString);
        }
    }
}
