package dev.selfconnect.audit;

import dev.selfconnect.config.AuditFileCheck;
import dev.selfconnect.identity.AgentIdentity;
import dev.selfconnect.identity.ProcessIdentity;
import dev.selfconnect.reporting.AgentLog;
import dev.selfconnect.vocabulary.PlainText;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code selfconnect.audit.file}: one JSON object per event and line, appended. Many threads append through one
 * lock in this JVM; several JVMs append to one file under an exclusive file lock held while the whole line is written
 * at the end of the file, so lines never interleave. A line is written whole or not at all: a write that fails part
 * way (a full disk) is cut back to where the line began.
 * <p>
 * The file is opened at the first event, not at startup (the settings loader has already opened it once), through
 * {@link AuditFileCheck}: never through a link, only a regular file of the JVM's user, created 0600. Before each line
 * the path is looked up again (one lstat): once the file was renamed or deleted (log rotation), the line goes to a new
 * file at the path. A line that cannot be written is counted; the first one says why on one line, and the first one
 * written after that says how many were missed.
 */
final class JsonLinesFile implements EventSink {

    private static final AtomicLong notWritten = new AtomicLong();

    private final Path path;
    private AuditFileCheck.OpenFile file;
    /** Lines not written since the last one that was; the first failure of such a run is reported. */
    private long missed;
    /** Why the file could not be used at startup, which the startup line said; null once the file was written. */
    private String reportedAtStart;

    JsonLinesFile(String file) {
        this(file, null);
    }

    /** @param reportedAtStart why the file cannot be used, as the startup line said; null if it said nothing */
    JsonLinesFile(String file, String reportedAtStart) {
        this.path = Paths.get(file);
        this.reportedAtStart = reportedAtStart;
    }

    /** Events that no audit file of this JVM could take (refused path, full disk, ...), since the JVM started. */
    static long eventsNotWritten() {
        return notWritten.get();
    }

    /**
     * One writer at a time in this JVM, whichever file: file locks belong to the whole JVM, and a second channel's
     * lock on the same file would throw OverlappingFileLockException (a reconfiguration briefly has two writers).
     */
    private static final Object APPENDING = new Object();

    @Override
    public void publish(AuditEvent event) {
        ProcessIdentity identity = AgentIdentity.current().withService(event.configuredService);
        byte[] line = (Json.line(event, identity) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (APPENDING) {
            // An interrupted application thread would close the channel under us (FileChannel is interruptible);
            // the interrupt is the application's, so it is put back afterwards.
            boolean interrupted = Thread.interrupted();
            try {
                append(line);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void append(byte[] line) {
        try {
            write(current(), line);
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            notWritten.incrementAndGet();
            boolean saidAtStart = reportedAtStart != null && reportedAtStart.equals(e.getMessage());
            if (missed++ == 0 && !saidAtStart) {
                AgentLog.error("the audit file " + PlainText.value(path.toString()) + " is not written: "
                        + PlainText.value(e instanceof AuditFileCheck.Refused ? e.getMessage() : e.toString())
                        + " (the event is on standard error; events the file misses are counted, and reported"
                        + " once it is written again)");
            }
            return;
        }
        if (missed > 0) {
            AgentLog.info("the audit file " + PlainText.value(path.toString()) + " is written again; " + missed
                    + " event(s) could not be written");
            missed = 0;
        }
        reportedAtStart = null;
    }

    private FileChannel current() throws IOException {
        if (file != null && !file.stillAtPath()) {
            closeQuietly();
        }
        if (file == null || !file.channel().isOpen()) {
            file = AuditFileCheck.open(path);
        }
        return file.channel();
    }

    private static void write(FileChannel out, byte[] line) throws IOException {
        FileLock lock = out.lock();
        try {
            long end = out.size();
            long at = end;
            ByteBuffer buffer = ByteBuffer.wrap(line);
            try {
                while (buffer.hasRemaining()) {
                    at += out.write(buffer, at);
                }
            } catch (IOException partly) {
                try {
                    out.truncate(end);
                } catch (IOException ignored) {
                    // the first failure says why; truncating to a smaller size needs no space, so it hardly fails
                }
                throw partly;
            }
        } finally {
            lock.release();
        }
    }

    @Override
    public void close() {
        synchronized (APPENDING) {
            closeQuietly();
        }
    }

    private void closeQuietly() {
        if (file != null) {
            file.close();
        }
        file = null;
    }

    @Override
    public String toString() {
        return "the audit file " + PlainText.value(path.toString());
    }
}
