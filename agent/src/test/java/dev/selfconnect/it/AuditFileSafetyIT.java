package dev.selfconnect.it;

import dev.selfconnect.audit.StrictJson;
import dev.selfconnect.it.ChildJvm.Jdk;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
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
 * The audit file against what another user can plant at its path and against what operations do to it, each done
 * for real to a JVM running the real selfconnect.jar (as root, where the planting user is uid 65534): a symbolic link
 * to a root-only file, a dangling link, a file of another user, a FIFO, a directory, a device; a swap after startup;
 * rotation by rename and by deletion while the JVM runs; a file system that fills up.
 */
class AuditFileSafetyIT {

    private static final Path TEST_CLASSES = Paths.get("target/test-classes").toAbsolutePath();
    private static final long TIMEOUT_SECONDS = 60;
    private static final String ATTACKER = "65534";

    @TempDir
    Path temp;

    @TestFactory
    List<DynamicNode> auditFile() {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Jdk jdk : ChildJvm.jdks()) {
            nodes.add(DynamicContainer.dynamicContainer(jdk.name(), List.of(
                    DynamicTest.dynamicTest("a symlink another user planted to a root-only file is refused",
                            () -> symlinkToRootOnlyFile(jdk)),
                    DynamicTest.dynamicTest("a dangling symlink another user planted: refused, nothing created",
                            () -> danglingSymlink(jdk)),
                    DynamicTest.dynamicTest("a file another user planted is refused", () -> foreignFile(jdk)),
                    DynamicTest.dynamicTest("a FIFO is refused at startup without being opened", () -> fifo(jdk)),
                    DynamicTest.dynamicTest("a directory and a device are refused", () -> directoryAndDevice(jdk)),
                    DynamicTest.dynamicTest("a file on /proc is refused", () -> kernelFile(jdk)),
                    DynamicTest.dynamicTest("a file another user touched first in a sticky directory: the service"
                            + " starts, and writes the file once it is gone", () -> touchedFirstInStickyDirectory(jdk)),
                    DynamicTest.dynamicTest("swapped for a link or a FIFO after startup: one error, no hang",
                            () -> swappedAfterStartup(jdk)),
                    DynamicTest.dynamicTest("rotation by mv and by rm: the next events go to a new 0600 file",
                            () -> rotation(jdk)),
                    DynamicTest.dynamicTest("a full file system: no torn line, one error line, the app goes on",
                            () -> fullFileSystem(jdk)))));
        }
        return nodes;
    }

    private void symlinkToRootOnlyFile(Jdk jdk) throws Exception {
        Path dir = attackerDirectory(jdk, "symlink");
        Path secret = rootOnlyFile(jdk);
        Path events = dir.resolve("events.jsonl");
        asAttacker("ln", "-s", secret.toString(), events.toString());

        Child r = Child.start(jdk, events, "events", "2").finish();

        assertRefused(r, events, "it is a symbolic link (to '" + secret + "'); the audit file is never written"
                + " through a link");
        assertEquals("root only\n", Files.readString(secret), "the root-only file must be untouched");
        assertEquals("rw-------", permissions(secret));
    }

    private void danglingSymlink(Jdk jdk) throws Exception {
        Path dir = attackerDirectory(jdk, "dangling");
        Path chosen = temp.resolve(jdk.name().replace(' ', '-') + "-chosen-by-the-attacker");
        Path events = dir.resolve("events.jsonl");
        asAttacker("ln", "-s", chosen.toString(), events.toString());

        Child r = Child.start(jdk, events, "events", "2").finish();

        assertRefused(r, events, "it is a symbolic link (to '" + chosen + "'); the audit file is never written"
                + " through a link");
        assertFalse(Files.exists(chosen, LinkOption.NOFOLLOW_LINKS), "nothing may be created through the link");
    }

    private void foreignFile(Jdk jdk) throws Exception {
        Path dir = attackerDirectory(jdk, "foreign");
        Path events = dir.resolve("events.jsonl");
        asAttacker("sh", "-c", "umask 0 && : > " + events);

        Child r = Child.start(jdk, events, "events", "2").finish();

        assertRefused(r, events, "it is owned by uid " + ATTACKER + ", not by the JVM's user (uid 0)");
        assertEquals(0, Files.size(events));
    }

    private void fifo(Jdk jdk) throws Exception {
        Path events = temp.resolve(jdk.name().replace(' ', '-') + "-fifo");
        ChildJvm.command("mkfifo", events.toString());

        Child r = Child.start(jdk, events, "events", "2").finish();

        assertRefused(r, events, "it is a FIFO (named pipe), not a regular file");
    }

    private void directoryAndDevice(Jdk jdk) throws Exception {
        Path directory = Files.createDirectory(temp.resolve(jdk.name().replace(' ', '-') + "-directory"));
        assertRefused(Child.start(jdk, directory, "events", "2").finish(), directory,
                "it is a directory, not a regular file");
        Path device = Paths.get("/dev/null");
        assertRefused(Child.start(jdk, device, "events", "2").finish(), device,
                "it is a character device, not a regular file");
    }

    private void kernelFile(Jdk jdk) throws Exception {
        Path status = Paths.get("/proc/self/status");
        assertRefused(Child.start(jdk, status, "events", "2").finish(), status,
                "it is on /proc, a kernel file system whose files are not logs");
    }

    /** The way an attacker stops a root service today: touch its audit file in /tmp before it starts. */
    private void touchedFirstInStickyDirectory(Jdk jdk) throws Exception {
        ChildJvm.requireRoot("planting files as another user needs root");
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path sticky = Files.createDirectory(temp.resolve(jdk.name().replace(' ', '-') + "-sticky"));
        Files.setPosixFilePermissions(sticky, PosixFilePermissions.fromString("rwxrwxrwx"));
        ChildJvm.command("chmod", "+t", sticky.toString());
        Path events = sticky.resolve("x.jsonl");
        ChildJvm.command("runuser", "-u", "nobody", "--", "touch", events.toString());
        assertEquals(65534, Files.getAttribute(events, "unix:uid"));

        Child child = Child.start(jdk, events, "interactive");
        child.await("RESULT ready");
        child.send("events 1");
        child.await("RESULT events 1");
        asAttacker("rm", "-f", events.toString());
        child.send("events 2");
        child.await("RESULT events 2");
        Child r = child.quit();

        assertEquals(0, r.exitCode, r::toString);
        assertEquals(List.of(), r.agentLines("ERROR"), r::toString);
        assertTrue(r.agentLines("WARN").contains("[selfconnect] WARN audit.file " + events + " is not used: it is"
                + " owned by uid 65534, not by the JVM's user (uid 0); remove what is at that path, or set audit.file"
                + " to a path in a directory only the JVM's user can write (not a shared one such as /tmp); until"
                + " then the events are on standard error only, counted as not written, and the file is tried again"
                + " at each event"), r::toString);
        // The agent writes on its own thread: the first event met the planted file (missed, counted, and said so
        // once the file is written again) unless the agent came to it after the file was gone.
        List<String> lines = eventLines(events);
        int missed = r.agentLines("INFO").stream().filter(l -> l.contains(" is written again; ")).findFirst()
                .map(l -> Integer.parseInt(l.replaceAll(".* is written again; (\\d+) event\\(s\\).*", "$1")))
                .orElse(0);
        assertEquals(3, missed + lines.size(), "every event missed (counted) or in the file\n" + r);
        assertTrue(missed <= 1 && lines.size() >= 2, r::toString);
        assertEquals(0, Files.getAttribute(events, "unix:uid"));
        assertEquals("rw-------", permissions(events));
    }

    private void swappedAfterStartup(Jdk jdk) throws Exception {
        Path dir = sharedDirectory(jdk, "swap");
        Path events = dir.resolve("events.jsonl");
        Path chosen = temp.resolve(jdk.name().replace(' ', '-') + "-swap-chosen-by-the-attacker");
        Child child = Child.start(jdk, events, "interactive");
        child.await("RESULT ready");
        assertEquals("rw-------", permissions(events), "created at startup, owner only");

        // One event at a time where the next step depends on the agent having met it: the agent writes on its own
        // thread, and its one ERROR line is all that shows it did.
        asAttacker("sh", "-c", "rm -f " + events + " && ln -s " + chosen + " " + events);
        child.send("events 1");
        child.await("RESULT events 1");
        child.awaitStderr("is not written: it is a symbolic link (to '" + chosen + "')");
        assertFalse(Files.exists(chosen, LinkOption.NOFOLLOW_LINKS), "nothing may be created through the link");

        asAttacker("sh", "-c", "rm -f " + events + " && mkfifo " + events);
        child.send("events 2");
        child.await("RESULT events 2");

        // The FIFO must neither block the agent nor be written: the events wait in the count, then the path is free.
        asAttacker("rm", "-f", events.toString());
        child.send("events 1");
        child.await("RESULT events 1");
        child.awaitStderr("is written again;");
        Child r = child.quit();

        assertEquals(0, r.exitCode, r::toString);
        List<String> errors = r.agentLines("ERROR");
        assertEquals(1, errors.size(), r::toString);
        assertTrue(errors.get(0).startsWith("[selfconnect] ERROR the audit file " + events + " is not written: it is"
                + " a symbolic link (to '" + chosen + "')"), r::toString);
        List<String> lines = eventLines(events);
        String again = r.agentLines("INFO").stream().filter(l -> l.contains(" is written again; ")).findFirst()
                .orElseThrow();
        int missed = Integer.parseInt(again.replaceAll(".* is written again; (\\d+) event\\(s\\).*", "$1"));
        // The link's event is missed for certain; the FIFO's two are missed or, if the agent came to them after the
        // FIFO was gone, written to the new file: never lost, never written through the link or into the FIFO.
        assertEquals(4, missed + lines.size(), "every event missed (counted) or in the new file\n" + r);
        assertTrue(missed >= 1 && lines.size() >= 1, r::toString);
        assertEquals("rw-------", permissions(events));
    }

    private void rotation(Jdk jdk) throws Exception {
        Path events = temp.resolve(jdk.name().replace(' ', '-') + "-rotated.jsonl");
        Path renamed = temp.resolve(jdk.name().replace(' ', '-') + "-rotated.jsonl.1");
        Child child = Child.start(jdk, events, "interactive");
        child.await("RESULT ready");
        child.send("events 2");
        child.await("RESULT events 2");
        awaitLines(events, 2);

        ChildJvm.command("mv", events.toString(), renamed.toString());
        child.send("events 3");
        child.await("RESULT events 3");
        awaitLines(events, 3);
        assertEquals("rw-------", permissions(events));

        ChildJvm.command("rm", events.toString());
        child.send("events 4");
        child.await("RESULT events 4");
        awaitLines(events, 4);
        Child r = child.quit();

        assertEquals(0, r.exitCode, r::toString);
        assertEquals(List.of(), r.agentLines("ERROR"), r::toString);
        assertEquals(2, eventLines(renamed).size(), "the renamed file keeps the events before the rename");
        assertEquals(4, eventLines(events).size(), "the events after the deletion");
        assertEquals("rw-------", permissions(events));
    }

    private void fullFileSystem(Jdk jdk) throws Exception {
        Path mount = Files.createDirectory(temp.resolve(jdk.name().replace(' ', '-') + "-tmpfs"));
        Path events = mount.resolve("events.jsonl");
        Path copy = temp.resolve(jdk.name().replace(' ', '-') + "-tmpfs-copy.jsonl");
        Child r = Child.startOnFullableTmpfs(jdk, mount, copy, "fill", mount.resolve("filler").toString(), "20")
                .finish();

        assertEquals(0, r.exitCode, r::toString);
        assertTrue(r.hasResult("RESULT full to the byte"), r::toString);
        assertTrue(r.hasResult("RESULT the application goes on"), r::toString);
        assertTrue(r.hasResult("RESULT done"), r::toString);
        String content = Files.readString(copy);
        assertTrue(content.endsWith("\n"), "no torn last line:\n" + content);
        List<String> lines = content.lines().toList();
        for (String line : lines) {
            StrictJson.object(line);
        }
        List<String> errors = r.agentLines("ERROR");
        assertEquals(1, errors.size(), r::toString);
        assertTrue(errors.get(0).startsWith("[selfconnect] ERROR the audit file " + events + " is not written:"
                + " java.io.IOException: No space left on device"), r::toString);
        assertFalse(r.stderr.contains("\tat "), "no stack trace\n" + r);
        int lost = 24 - lines.size();
        assertTrue(lost > 0 && lines.size() >= 4, "the 2 events before and after the disk was full, some lost\n" + r);
        assertTrue(r.agentLines("INFO").contains("[selfconnect] INFO the audit file " + events
                + " is written again; " + lost + " event(s) could not be written"), r::toString);
    }

    /**
     * What another user (or a mistake) put at the path never stops the service: it runs, says in one WARN line why the
     * file is not used and what to do, and its events are on standard error only.
     */
    private static void assertRefused(Child r, Path file, String why) {
        assertEquals(0, r.exitCode, r::toString);
        assertEquals(List.of(), r.agentLines("ERROR"), r::toString);
        List<String> notUsed = r.agentLines("WARN").stream().filter(l -> l.contains("audit.file")).toList();
        assertEquals(List.of("[selfconnect] WARN audit.file " + file + " is not used: " + why + "; remove what is at"
                + " that path, or set audit.file to a path in a directory only the JVM's user can write (not a shared"
                + " one such as /tmp); until then the events are on standard error only, counted as not written, and"
                + " the file is tried again at each event"), notUsed, r::toString);
        assertTrue(r.hasResult("RESULT events 2"), "main runs\n" + r);
        assertFalse(r.agentLines("RISK").isEmpty(), "the events are on standard error\n" + r);
    }

    /** A directory the attacker (uid 65534) owns, in a path everybody may traverse. */
    private Path attackerDirectory(Jdk jdk, String name) throws IOException {
        ChildJvm.requireRoot("planting files as another user needs root");
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = Files.createDirectory(temp.resolve(jdk.name().replace(' ', '-') + "-" + name));
        ChildJvm.command("chown", ATTACKER + ":" + ATTACKER, dir.toString());
        return dir;
    }

    /**
     * A directory of root's that everybody may write to, without the sticky bit: the attacker may replace the JVM's
     * file (root in the tests' user namespace cannot create files in a directory of an unmapped user).
     */
    private Path sharedDirectory(Jdk jdk, String name) throws IOException {
        ChildJvm.requireRoot("planting files as another user needs root");
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = Files.createDirectory(temp.resolve(jdk.name().replace(' ', '-') + "-" + name));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return dir;
    }

    private Path rootOnlyFile(Jdk jdk) throws IOException {
        Path secret = temp.resolve(jdk.name().replace(' ', '-') + "-root-only");
        Files.writeString(secret, "root only\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        return secret;
    }

    private static void asAttacker(String... command) {
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=" + ATTACKER, "--regid=" + ATTACKER,
                "--clear-groups"));
        full.addAll(Arrays.asList(command));
        ChildJvm.command(full.toArray(new String[0]));
    }

    private static String permissions(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
    }

    private static List<String> eventLines(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (String line : lines) {
            StrictJson.object(line);
        }
        return lines;
    }

    /** Waits (bounded) until the file has this many lines: a sink may write after the event returned. */
    private static void awaitLines(Path file, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.readAllLines(file).size() < count) {
            if (System.nanoTime() > deadline) {
                fail(file + " did not get " + count + " lines: "
                        + (Files.exists(file) ? Files.readAllLines(file) : "no file"));
            }
            Thread.sleep(20);
        }
    }

    /** The scenario JVM, inside a network namespace with the audit's port range; standard input open for commands. */
    private static final class Child {

        private final List<String> command;
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> stdoutLines = new ArrayList<>();
        private final CompletableFuture<String> stderrText;
        private final StringBuffer stderrSoFar = new StringBuffer();
        private final OutputStream stdin;
        private final Thread reader;
        int exitCode;
        String stderr;

        private Child(List<String> command, Process process) {
            this.command = command;
            this.process = process;
            this.stdin = process.getOutputStream();
            this.stderrText = CompletableFuture.supplyAsync(() -> {
                try (InputStream err = process.getErrorStream()) {
                    byte[] buffer = new byte[4096];
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    for (int n; (n = err.read(buffer)) > 0; ) {
                        all.write(buffer, 0, n);
                        stderrSoFar.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                    return all.toString(StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        synchronized (stdoutLines) {
                            stdoutLines.add(line);
                        }
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process is gone
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(Jdk jdk, Path auditFile, String... arguments) throws IOException {
            return start(jdk, List.of("unshare", "-rn", "sh", "-c", namespace() + " && exec \"$@\"", "sh"),
                    auditFile, arguments);
        }

        /** Mounts a 64 KB tmpfs at {@code mount} in a private mount namespace; copies the audit file out at exit. */
        static Child startOnFullableTmpfs(Jdk jdk, Path mount, Path copy, String... arguments) throws IOException {
            String script = namespace() + " && mount -t tmpfs -o size=64k tmpfs '" + mount + "' && { \"$@\"; rc=$?;"
                    + " cp '" + mount.resolve("events.jsonl") + "' '" + copy + "'; exit $rc; }";
            return start(jdk, List.of("unshare", "-rnm", "sh", "-c", script, "sh"), mount.resolve("events.jsonl"),
                    arguments);
        }

        private static String namespace() {
            return "ip link set lo up && echo \"$SC_RANGE\" > /proc/sys/net/ipv4/ip_local_port_range"
                    + " && echo \"$SC_RESERVED\" > /proc/sys/net/ipv4/ip_local_reserved_ports";
        }

        private static Child start(Jdk jdk, List<String> prefix, Path auditFile, String... arguments)
                throws IOException {
            ChildJvm.requireNamespaces();
            List<String> command = new ArrayList<>(prefix);
            command.add(jdk.java().toString());
            command.add("-javaagent:" + ChildJvm.AGENT_JAR.toAbsolutePath() + "=audit.file=" + auditFile
                    + ",stack-traces=false");
            command.addAll(List.of("-cp", TEST_CLASSES.toString(), "dev.selfconnect.scenarios.AuditFileScenarios"));
            command.addAll(Arrays.asList(arguments));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().keySet().removeIf(name -> name.startsWith("SELFCONNECT_"));
            builder.environment().put("SC_RANGE", AuditJvm.RANGE);
            builder.environment().put("SC_RESERVED", AuditJvm.RESERVED);
            return new Child(command, builder.start());
        }

        void send(String line) throws IOException {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        /**
         * Waits until the agent has written this on standard error: it writes the audit file and its records on its own
         * thread, after the application's event.
         */
        void awaitStderr(String expected) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (stderrSoFar.indexOf(expected) < 0) {
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    fail("no '" + expected + "' on standard error within " + TIMEOUT_SECONDS + " s\n"
                            + finishQuietly());
                }
                Thread.sleep(10);
            }
        }

        /** Waits for this line on standard output; a JVM that hangs fails the test instead of hanging it. */
        void await(String expected) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (true) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null) {
                    process.destroyForcibly();
                    fail("no '" + expected + "' within " + TIMEOUT_SECONDS + " s (hung?)\n" + finishQuietly());
                }
                if (line.equals(expected)) {
                    return;
                }
            }
        }

        Child quit() throws Exception {
            send("quit");
            return finish();
        }

        Child finish() throws Exception {
            stdin.close();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("timed out after " + TIMEOUT_SECONDS + " s (hung?)\n" + finishQuietly());
            }
            exitCode = process.exitValue();
            stderr = stderrText.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            reader.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            return this;
        }

        private String finishQuietly() {
            try {
                process.waitFor(5, TimeUnit.SECONDS);
                stderr = stderrText.getNow("");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return toString();
        }

        List<String> agentLines(String level) {
            return stderr.lines().filter(l -> l.startsWith("[selfconnect] " + level + " ")).toList();
        }

        List<String> results() {
            synchronized (stdoutLines) {
                return stdoutLines.stream().filter(l -> l.startsWith("RESULT ")).toList();
            }
        }

        boolean hasResult(String line) {
            return results().contains(line);
        }

        @Override
        public String toString() {
            synchronized (stdoutLines) {
                return "command: " + String.join(" ", command) + "\nexit: " + exitCode + "\n--- stdout\n"
                        + String.join("\n", stdoutLines) + "\n--- stderr\n" + stderr;
            }
        }
    }
}
