package dev.selfconnect.config;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Opening the audit file, against real files, links, a FIFO and a device of this machine. */
class AuditFileCheckTest {

    private static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));

    @TempDir
    Path dir;

    @Test
    void createsTheFileOwnerOnly() throws Exception {
        Path file = dir.resolve("events.jsonl");

        assertNull(AuditFileCheck.problem(file.toString()));

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(0, Files.size(file));
    }

    @Test
    void anExistingFileKeepsItsModeAndContent() throws Exception {
        Path file = dir.resolve("events.jsonl");
        Files.write(file, "{}\n".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        try (AuditFileCheck.OpenFile open = AuditFileCheck.open(file)) {
            assertEquals(3, open.channel().position(), "opened at the end");
        }

        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("{}\n", new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    }

    @Test
    void aSymbolicLinkIsRefusedAndItsTargetUntouched() throws Exception {
        Path target = Files.write(dir.resolve("target"), "mine\n".getBytes(StandardCharsets.UTF_8));
        Path link = Files.createSymbolicLink(dir.resolve("events.jsonl"), target);

        assertEquals("it is a symbolic link (to '" + target + "'); the audit file is never written through a link",
                AuditFileCheck.problem(link.toString()));
        assertEquals("mine\n", new String(Files.readAllBytes(target), StandardCharsets.UTF_8));
    }

    @Test
    void aDanglingLinkIsRefusedAndNothingIsCreatedThroughIt() throws Exception {
        Path target = dir.resolve("not-there");
        Path link = Files.createSymbolicLink(dir.resolve("events.jsonl"), target);

        assertEquals("it is a symbolic link (to '" + target + "'); the audit file is never written through a link",
                AuditFileCheck.problem(link.toString()));
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");

        assertEquals("it is a FIFO (named pipe), not a regular file", AuditFileCheck.problem(fifo.toString()));
    }

    @Test
    void aDirectoryAndADeviceAreRefused() {
        assertEquals("it is a directory, not a regular file", AuditFileCheck.problem(dir.toString()));
        assertEquals("it is a character device, not a regular file", AuditFileCheck.problem("/dev/null"));
    }

    @Test
    void aFileWithASecondHardLinkIsRefused() throws Exception {
        Path other = Files.createFile(dir.resolve("other"));
        Path file = Files.createLink(dir.resolve("events.jsonl"), other);

        assertEquals("it has 2 hard links, so it is also another file; the audit file must have one",
                AuditFileCheck.problem(file.toString()));
    }

    @Test
    void aFileOfAnotherUserIsRefused() throws Exception {
        requireRoot();
        Path file = Files.createFile(dir.resolve("events.jsonl"));
        Files.setAttribute(file, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);

        assertEquals("it is owned by uid 65534, not by the JVM's user (uid 0)", AuditFileCheck.problem(file.toString()));
    }

    @Test
    void aDirectoryOnTheWayThatIsAnotherUsersLinkIsRefused() throws Exception {
        requireRoot();
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("logs"), real);
        Files.setAttribute(link, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);

        assertEquals("its directory '" + link + "' is a symbolic link owned by uid 65534 (only links of root or of"
                + " the JVM's user are followed)", AuditFileCheck.problem(link.resolve("events.jsonl").toString()));
        assertFalse(Files.exists(real.resolve("events.jsonl")));
    }

    @Test
    void aMissingDirectorySaysWhatTheJdkSays() {
        Path file = dir.resolve("no-such-directory").resolve("events.jsonl");

        assertEquals("it cannot be written (java.nio.file.NoSuchFileException: " + file + ")",
                AuditFileCheck.problem(file.toString()));
    }

    @Test
    void theOpenFileKnowsWhenThePathNoLongerNamesIt() throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (AuditFileCheck.OpenFile open = AuditFileCheck.open(file)) {
            assertTrue(open.stillAtPath());
            Files.move(file, dir.resolve("events.jsonl.1"));
            assertFalse(open.stillAtPath(), "renamed");
            Files.createFile(file);
            assertFalse(open.stillAtPath(), "a new file at the path");
        }
        try (AuditFileCheck.OpenFile open = AuditFileCheck.open(file)) {
            open.channel().write(ByteBuffer.wrap(new byte[] {'x'}));
            Files.delete(file);
            assertFalse(open.stillAtPath(), "deleted");
        }
    }

    @Test
    void aFileOnProcOrSysIsRefusedAsFoundAtThePath() throws Exception {
        AuditFileCheck.Problem proc = AuditFileCheck.check("/proc/self/status");
        assertEquals("it is on /proc, a kernel file system whose files are not logs", proc.reason);
        assertTrue(proc.foundAtPath);
        assertEquals("it is on /sys, a kernel file system whose files are not logs",
                AuditFileCheck.problem("/sys/kernel/events.jsonl"));
        Path link = Files.createSymbolicLink(dir.resolve("process"), Paths.get("/proc/self"));
        assertEquals("it is on /proc, a kernel file system whose files are not logs",
                AuditFileCheck.problem(link.resolve("comm").toString()));
    }

    @Test
    void whatIsAtThePathIsToldApartFromAWrongSetting() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        assertTrue(AuditFileCheck.check(fifo.toString()).foundAtPath);
        assertTrue(AuditFileCheck.check(Files.createSymbolicLink(dir.resolve("link"), dir.resolve("x")).toString())
                .foundAtPath);
        assertFalse(AuditFileCheck.check(dir.resolve("no-such-directory/events.jsonl").toString()).foundAtPath);
        assertFalse(AuditFileCheck.check("events\u0000.jsonl").foundAtPath);
        assertNull(AuditFileCheck.check(dir.resolve("events.jsonl").toString()));
    }

    @Test
    void theNoticeIsOneLineWithTheFix() {
        String notice = AuditFileCheck.notUsed("/tmp/x\n.jsonl", "it is owned by uid 65534, not by the JVM's user"
                + " (uid 0)");
        assertEquals("audit.file /tmp/x\\n.jsonl is not used: it is owned by uid 65534, not by the JVM's user (uid 0);"
                + " remove what is at that path, or set audit.file to a path in a directory only the JVM's user can"
                + " write (not a shared one such as /tmp); until then the events are on standard error only, counted"
                + " as not written, and the file is tried again at each event", notice);
    }

    private static void requireRoot() throws Exception {
        if (!Integer.valueOf(0).equals(Files.getAttribute(Paths.get("/proc/self"), "unix:uid"))) {
            if (CI) {
                fail("changing a file's owner needs root, and CI=true");
            }
            Assumptions.abort("changing a file's owner needs root");
        }
    }
}
