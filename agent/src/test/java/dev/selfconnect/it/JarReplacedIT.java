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
 * A deploy overwrites the agent jar in place while the JVM runs. Once the class loader reads the agent jar from its
 * private copy, a self-connection after the overwrite is rejected and its port freed, and the JVM lives on (JDK 8
 * included). Before that, or where no copy can be made, a self-connection is rejected or the agent says NOT
 * protected, on standard error, in {@code status} and in the summary.
 */
class JarReplacedIT {

    private static final int STATUS_TRIES = 30;
    private static final long OVERWRITE_AFTER_MAIN_MILLIS = 300;
    private static final long NOT_PROTECTED_WITHIN_SECONDS = 30;

    @TempDir
    Path dir;

    /** Bytes of the new version written before the application's lookup, well short of its directory of entries. */
    private static final int HALF_WRITTEN = 64 * 1024;

    static List<Jdk> jdks() {
        return ChildJvm.jdks();
    }

    static List<Jdk> modularJdks() {
        return ChildJvm.jdks().stream().filter(jdk -> jdk.feature() > 8).toList();
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

            // Emptied in place, as cp's truncation leaves it before its first write; then a lookup the application's
            // class loader answers by reading every jar on the class path, the agent's included.
            try (FileChannel out = FileChannel.open(jar, StandardOpenOption.WRITE)) {
                out.truncate(0);
            }
            assertEquals("RESULT lookup absent", app.send("lookup no/such/resource"), app::toString);

            assertTrue(app.send("socket").startsWith("RESULT exception dev.selfconnect.SelfConnectException"),
                    app::toString);
            assertEquals("RESULT bind ok 127.0.0.1:40000", app.send("bind"), app::toString);
        }
    }

    /**
     * cp new.jar over the running one 0.3 s after main: the same file, truncated, then written again. Halfway through
     * the write, the application's class loader looks up a resource no jar has, which reads the agent jar's directory
     * of entries: JDK 8 maps that directory from the file, and a read past the end of the truncated file would kill
     * the JVM with SIGBUS. On JDK 8 the class loader reads the agent jar from a private copy by then (made once the
     * JDK's targets are woven), so the JVM lives and the next self-connection is rejected. Later JDKs make the copy
     * once the application's first steps are past; a write before that is never silent: a self-connection is
     * rejected, or the agent says NOT protected, on standard error, in {@code status} and in the summary.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    @Timeout(120)
    void aJarOverwrittenSoonAfterMainIsNeverSilent(Jdk jdk) throws Exception {
        Path jar = Files.copy(ChildJvm.AGENT_JAR, dir.resolve("selfconnect.jar"), StandardCopyOption.REPLACE_EXISTING);
        byte[] newVersion = Files.readAllBytes(repacked(ChildJvm.AGENT_JAR, dir.resolve("new-selfconnect.jar")));
        try (Target app = Target.inNamespace(jdk, "-javaagent:" + jar + "=mode=throw")) {
            Thread.sleep(OVERWRITE_AFTER_MAIN_MILLIS);
            try (OutputStream out = Files.newOutputStream(jar, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(newVersion, 0, HALF_WRITTEN);
                out.flush();
                assertEquals("RESULT lookup absent", app.send("lookup no/such/resource"), app::toString);
                out.write(newVersion, HALF_WRITTEN, newVersion.length - HALF_WRITTEN);
            }
            assertEquals(newVersion.length, Files.size(jar));
            if (jdk.feature() == 8) {
                String result = app.send("socket");
                assertTrue(result.startsWith("RESULT exception dev.selfconnect.SelfConnectException"),
                        () -> result + "\n" + app);
                assertEquals("RESULT bind ok 127.0.0.1:40000", app.send("bind"), app::toString);
                CliRun status = AttachHarness.cli(jdk, "status", Long.toString(app.pid));
                assertTrue(status.stdout().contains("protection: protects Socket, SocketChannel"),
                        status + "\n" + app);
                assertFalse(status.stdout().contains("NOT protected"), status + "\n" + app);
                app.close();
                assertFalse(app.stderr().contains("NOT protected"), app::toString);
            } else {
                rejectedOrSaysNotProtected(jdk, app, jar);
            }
            assertFalse(app.stderr().contains("A fatal error"), app::toString);
        }
    }

    /**
     * Where no private copy can be made (a JVM whose temporary directory cannot be written), a jar written into
     * before the agent's classes are loaded is never silent either. Not on JDK 8, whose agent cannot start without a
     * temporary directory (its bridge goes into a jar there); there the copy is always made.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modularJdks")
    @Timeout(120)
    void withoutAPrivateCopyAJarOverwrittenBeforeTheAgentsClassesAreLoadedIsNeverSilent(Jdk jdk) throws Exception {
        Path jar = Files.copy(ChildJvm.AGENT_JAR, dir.resolve("selfconnect.jar"), StandardCopyOption.REPLACE_EXISTING);
        Path newVersion = repacked(ChildJvm.AGENT_JAR, dir.resolve("new-selfconnect.jar"));
        try (Target app = Target.inNamespace(jdk, "-Djava.io.tmpdir=" + dir.resolve("no-such-directory"),
                "-javaagent:" + jar + "=mode=throw")) {
            Thread.sleep(OVERWRITE_AFTER_MAIN_MILLIS);
            try (OutputStream out = Files.newOutputStream(jar, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                Files.copy(newVersion, out);
            }
            assertEquals(Files.size(newVersion), Files.size(jar));
            rejectedOrSaysNotProtected(jdk, app, jar);
            assertFalse(app.stderr().contains("A fatal error"), app::toString);
        }
    }

    /**
     * The next self-connection is rejected; or it reaches the application and the agent says NOT protected on
     * standard error, in {@code status} and in the summary at exit. Closes the application.
     */
    private static void rejectedOrSaysNotProtected(Jdk jdk, Target app, Path jar) throws Exception {
        String pid = Long.toString(app.pid);
        String result = app.send("socket");
        if (result.startsWith("RESULT exception dev.selfconnect.SelfConnectException")) {
            assertEquals("RESULT bind ok 127.0.0.1:40000", app.send("bind"), app::toString);
            app.close();
            return;
        }
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
        assertEquals("RESULT bind ok 127.0.0.1:40000", app.send("bind"), app::toString);
        app.close();
        String summary = "[selfconnect] SUMMARY NOT protected: the agent jar " + jar + " was written into";
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(NOT_PROTECTED_WITHIN_SECONDS);
        while (!app.stderr().contains(summary) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(app.stderr().contains(summary), app::toString);
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
