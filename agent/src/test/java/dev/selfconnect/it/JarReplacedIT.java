package dev.selfconnect.it;

import dev.selfconnect.it.AttachHarness.CliRun;
import dev.selfconnect.it.AttachHarness.Target;
import dev.selfconnect.it.ChildJvm.Jdk;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A deploy overwrites the agent jar in place while the JVM runs. Once the agent's classes are loaded, the first
 * self-connection after it is still rejected and its port freed. Before that (a jar written 0.3 s after main), a
 * self-connection is rejected or the agent says NOT protected, on standard error, in {@code status} and in the
 * summary, and the JVM lives on (JDK 8 included).
 */
class JarReplacedIT {

    private static final int STATUS_TRIES = 30;
    private static final long OVERWRITE_AFTER_MAIN_MILLIS = 300;
    private static final long NOT_PROTECTED_WITHIN_SECONDS = 30;

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

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    @Timeout(120)
    void aJarOverwrittenBeforeTheAgentsClassesAreLoadedIsNeverSilent(Jdk jdk) throws Exception {
        Path jar = Files.copy(ChildJvm.AGENT_JAR, dir.resolve("selfconnect.jar"), StandardCopyOption.REPLACE_EXISTING);
        Path newVersion = repacked(ChildJvm.AGENT_JAR, dir.resolve("new-selfconnect.jar"));
        assertTrue(Files.size(newVersion) > Files.size(jar), "the new version is longer than the old one");
        try (Target app = Target.inNamespace(jdk, "-javaagent:" + jar + "=mode=throw")) {
            String pid = Long.toString(app.pid);
            Thread.sleep(OVERWRITE_AFTER_MAIN_MILLIS);
            // cp new.jar over the running one: the same file, truncated and written again. JDK 8 maps the jar's
            // directory of entries: while the file is shorter than that (the moment between cp's truncation and its
            // writes, or for good with a shorter jar), any read of it there, the JDK's own lookups included, kills
            // the JVM with SIGBUS, which no agent can prevent (docs/install.md). There the new version is written
            // over the old without a truncation first (as dd conv=notrunc does), so it never gets shorter.
            try (OutputStream out = jdk.feature() == 8 ? Files.newOutputStream(jar, StandardOpenOption.WRITE)
                    : Files.newOutputStream(jar, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                Files.copy(newVersion, out);
            }
            assertEquals(Files.size(newVersion), Files.size(jar));

            String result = app.send("socket");
            if (!result.startsWith("RESULT exception dev.selfconnect.SelfConnectException")) {
                assertEquals("RESULT connected local=127.0.0.1:40000 remote=127.0.0.1:40000", result, app::toString);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(NOT_PROTECTED_WITHIN_SECONDS);
                String status = "";
                while (System.nanoTime() < deadline && !(app.stderr().contains("[selfconnect] WARN NOT protected")
                        && status.contains("protection: protects nothing; NOT protected: every family (the agent"
                        + " jar " + jar + " was written into while the JVM runs"))) {
                    Thread.sleep(200);
                    status = AttachHarness.cli(jdk, "status", pid).stdout();
                }
                assertTrue(app.stderr().contains("[selfconnect] WARN NOT protected on this JVM any more: the agent jar "
                        + jar + " was written into while the JVM runs ("), app::toString);
                assertTrue(status.contains("protection: protects nothing; NOT protected: every family (the agent jar "
                        + jar + " was written into while the JVM runs ("), status + "\n" + app);
                assertFalse(status.contains("protects Socket"), status);
            }
            assertEquals("RESULT bind ok 127.0.0.1:40000", app.send("bind"), app::toString);
            app.close();
            String summary = "[selfconnect] SUMMARY NOT protected: the agent jar " + jar + " was written into";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(NOT_PROTECTED_WITHIN_SECONDS);
            while (!app.stderr().contains(summary) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(app.stderr().contains("[selfconnect] SUMMARY NOT protected: the agent jar " + jar
                    + " was written into"), app::toString);
            assertFalse(app.stderr().contains("SIGBUS") || app.stderr().contains("A fatal error"), app::toString);
        }
    }

    /** The same classes in another jar, as a new version would be: every entry stored, one entry more. */
    private static Path repacked(Path jar, Path into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(into))) {
            out.setLevel(Deflater.NO_COMPRESSION);
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("NEW-VERSION"));
            out.write(new byte[] {'2', '\n'});
            out.closeEntry();
        }
        return into;
    }
}
