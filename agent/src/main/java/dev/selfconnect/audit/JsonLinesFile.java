package dev.selfconnect.audit;

import dev.selfconnect.config.AuditFileCheck;

import dev.selfconnect.reporting.AgentLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * The {@code selfconnect.audit.file}: one JSON object per event and line, appended. Many threads append through one
 * lock in this JVM; several JVMs append to one file through {@code O_APPEND} and an exclusive file lock held while
 * the whole line is written, so lines never interleave. The file is created readable by its owner only, and opened
 * at the first event, not at startup (the settings loader has already checked it can be written).
 */
final class JsonLinesFile implements EventSink {

    private final Path path;
    private FileChannel channel;

    JsonLinesFile(String file) {
        this.path = Paths.get(file);
    }

    /**
     * One writer at a time in this JVM, whichever file: file locks belong to the whole JVM, and a second channel's
     * lock on the same file would throw OverlappingFileLockException (a reconfiguration briefly has two writers).
     */
    private static final Object APPENDING = new Object();

    @Override
    public void publish(AuditEvent event) {
        byte[] line = (Json.line(event) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (APPENDING) {
            append(line);
        }
    }

    private void append(byte[] line) {
        try {
            FileChannel out = open();
            FileLock lock = out.lock();
            try {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            } finally {
                lock.release();
            }
        } catch (IOException | RuntimeException e) {
            AgentLog.internalFailure("appending to the audit file " + path + " (events are still logged)", e);
            closeQuietly();
        }
    }

    private FileChannel open() throws IOException {
        if (channel == null || !channel.isOpen()) {
            AuditFileCheck.createOwnerOnly(path);
            channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                    StandardOpenOption.CREATE);
        }
        return channel;
    }

    @Override
    public void close() {
        synchronized (APPENDING) {
            closeQuietly();
        }
    }

    private void closeQuietly() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // nothing more to write
        }
        channel = null;
    }

    @Override
    public String toString() {
        return "the audit file " + path;
    }
}
