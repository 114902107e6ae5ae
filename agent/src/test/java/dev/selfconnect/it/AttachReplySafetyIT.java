package dev.selfconnect.it;

import dev.selfconnect.it.AttachHarness.CliRun;
import dev.selfconnect.it.ChildJvm.Jdk;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The attach tool run as root against the JVM of another user (uid 65534) who replaces the tool's reply file with a
 * symbolic link to a file only root may read: the tool must not print that file.
 */
class AttachReplySafetyIT {

    private static final String SECRET = "root only: do not print";

    @TempDir
    Path temp;

    @TestFactory
    List<DynamicNode> replyFile() {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Jdk jdk : ChildJvm.jdks()) {
            if (jdk.name().equals("JDK 8")) {
                nodes.add(DynamicTest.dynamicTest(jdk.name() + ": root cannot attach to another user's JVM there (its"
                        + " attach listener answers only its own uid), so there is no reply file to swap",
                        () -> swappedForALink(jdk)));
                continue;
            }
            nodes.add(DynamicTest.dynamicTest(jdk.name() + ": a reply file swapped for a link is not read through it",
                    () -> swappedForALink(jdk)));
        }
        return nodes;
    }

    private void swappedForALink(Jdk jdk) throws Exception {
        ChildJvm.requireRoot("attaching to another user's JVM needs root");
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        String name = jdk.name().replace(' ', '-');
        Path secret = temp.resolve(name + "-root-only");
        Files.writeString(secret, SECRET + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path tmp = Files.createDirectory(temp.resolve(name + "-tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        ChildJvm.command("chmod", "+t", tmp.toString());

        Process target = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                jdk.java().toString(), "-Djava.io.tmpdir=" + tmp, "-cp", AttachHarness.TEST_CLASSES.toString(),
                "dev.selfconnect.scenarios.ReplySwapper", secret.toString()).start();
        BlockingQueue<String> out = lines(target);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(target.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        try {
            String ready = out.poll(30, TimeUnit.SECONDS);
            if (ready == null || !ready.startsWith("READY pid=")) {
                fail("the target did not start: " + ready + "\n" + err.getNow(""));
            }
            String pid = ready.substring("READY pid=".length());

            CliRun run = AttachHarness.cli(jdk, "attach", pid);
            if (jdk.name().equals("JDK 8")) {
                assertEquals(2, run.exitCode(), run::toString);
                assertTrue(run.stderr().contains(" does not accept attach requests ("), run::toString);
                assertFalse(run.stdout().contains(SECRET) || run.stderr().contains(SECRET), run::toString);
                return;
            }

            String swapped = out.poll(30, TimeUnit.SECONDS);
            assertTrue(swapped != null && swapped.startsWith("RESULT swapped selfconnect-reply-"),
                    "the target must have swapped the reply file: " + swapped + "\n" + run);
            assertFalse(run.stdout().contains(SECRET) || run.stderr().contains(SECRET), run::toString);
            assertEquals(2, run.exitCode(), run::toString);
            // Whether the agent wrote before the swap or found the link and wrote nothing, the tool reads no link.
            assertTrue(run.stderr().contains("(it held no reply: 'the file was replaced by a symbolic link to '"
                    + secret + "' after this tool made it; it is not read')")
                    || run.stderr().contains("loaded the agent but its answer did not arrive"), run::toString);
            assertEquals(SECRET + "\n", Files.readString(secret));
        } finally {
            try (OutputStream stdin = target.getOutputStream()) {
                stdin.write("exit\n".getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // it ended already
            }
            if (!target.waitFor(10, TimeUnit.SECONDS)) {
                target.destroyForcibly();
            }
        }
    }

    private static BlockingQueue<String> lines(Process process) {
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    queue.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        return queue;
    }

}
