package dev.selfconnect.audit;

import dev.selfconnect.detection.PortRange;
import dev.selfconnect.reporting.AgentLog;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the two kernel files (inside a container or network namespace, its own) and keeps the last reading: it is
 * read again at most every {@link #REFRESH_NANOS}, when a finding is about to be reported (so a port reserved since
 * is not reported) or when a connect's local port shows the range has changed. Malformed content is reported
 * once and read as "no reserved ports" (reserved list) or "cannot audit" (range); it never stops the application.
 */
final class PortFiles {

    static final Path DEFAULT_DIRECTORY = Paths.get("/proc/sys/net/ipv4");
    static final long REFRESH_NANOS = 5_000_000_000L;

    private final Path rangeFile;
    private final Path reservedFile;
    private final Set<String> reported = java.util.Collections.newSetFromMap(new ConcurrentHashMap<String, Boolean>());
    private volatile EphemeralPorts current;
    private volatile long readAt;

    private final long refreshNanos;

    PortFiles(Path directory) {
        this(directory, REFRESH_NANOS);
    }

    PortFiles(Path directory, long refreshNanos) {
        this.refreshNanos = refreshNanos;
        this.rangeFile = directory.resolve("ip_local_port_range");
        this.reservedFile = directory.resolve("ip_local_reserved_ports");
        read();
    }

    /** The last reading, or null where the range cannot be read (not Linux, or malformed). */
    EphemeralPorts current() {
        refreshIfStale();
        return current;
    }

    /**
     * The cheap part of a risk check, for the connect path: a volatile read and int compares against the cached
     * reading, no clock, no shared write. The connect's own local port tells when the reading may be stale: the kernel
     * gave it from the current range, so a local port outside the cached range means the range has changed (or the
     * client bound a port of its own); then the files are read again, at most every {@link #REFRESH_NANOS}.
     */
    boolean mayBeAtRisk(int remotePort, int localPort) {
        EphemeralPorts ports = current;
        if (ports == null) {
            return false;
        }
        if (localPort < ports.low || localPort > ports.high) {
            refreshIfStale();
            ports = current;
            if (ports == null) {
                return false;
            }
        }
        return ports.atRisk(remotePort);
    }

    void refreshIfStale() {
        if (System.nanoTime() - readAt >= refreshNanos) {
            synchronized (this) {
                if (System.nanoTime() - readAt >= refreshNanos) {
                    read();
                }
            }
        }
    }

    private void read() {
        readAt = System.nanoTime();
        String rangeText;
        try {
            if (!rangeFile.toFile().exists()) {
                throw new FileNotFoundException(rangeFile.toString());
            }
            rangeText = firstLine(rangeFile);
        } catch (FileNotFoundException notLinux) {
            info("missing", "the risk audit cannot run here: " + rangeFile + " does not exist (not Linux);"
                    + " self-connections are still detected");
            current = null;
            return;
        } catch (IOException e) {
            once("unreadable " + e, "the risk audit cannot read " + rangeFile + " (" + e + "); it is off until it can");
            current = null;
            return;
        }
        PortRange range = rangeText == null ? null : PortRange.parse(rangeText);
        if (range == null) {
            once("range " + rangeText, "the risk audit cannot use " + rangeFile + ": '" + rangeText
                    + "' is not 'LOW HIGH'; it is off until the file is fixed");
            current = null;
            return;
        }
        ReservedPorts reserved = ReservedPorts.NONE;
        String reservedText = null;
        try {
            reservedText = readAll(reservedFile);
            reserved = ReservedPorts.parse(reservedText);
        } catch (IOException e) {
            if (!reservedFile.toFile().exists()) {
                // an old kernel without reserved ports: nothing is reserved
                current = new EphemeralPorts(range.low(), range.high(), reserved);
                return;
            }
            once("reserved " + e, "the risk audit cannot read " + reservedFile + " (" + e
                    + "); it counts no port as reserved");
        } catch (IllegalArgumentException malformed) {
            once("reserved " + reservedText, "the risk audit cannot parse " + reservedFile + " ('"
                    + reservedText.trim() + "': " + malformed.getMessage() + "); it counts no port as reserved");
        }
        current = new EphemeralPorts(range.low(), range.high(), reserved);
    }

    private void once(String key, String message) {
        if (reported.add(key)) {
            AgentLog.warn(message);
        }
    }

    private void info(String key, String message) {
        if (reported.add(key)) {
            AgentLog.info(message);
        }
    }

    /** The first line of the file. */
    private static String firstLine(Path file) throws IOException {
        String text = readAll(file);
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /**
     * The whole (small) file, read to its end: a /proc file reports a size that is not its length, so nothing that
     * trusts the size is used. No reader, charset decoder or regular expression: this runs at JVM start.
     */
    private static String readAll(Path file) throws IOException {
        byte[] buffer = new byte[512];
        int length = 0;
        // FileInputStream, loaded at JVM start already; Files.newInputStream would load and initialize NIO channels.
        try (InputStream in = new FileInputStream(file.toFile())) {
            for (int n; (n = in.read(buffer, length, buffer.length - length)) > 0; ) {
                length += n;
                if (length == buffer.length) {
                    buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
                }
            }
        }
        return new String(buffer, 0, length, StandardCharsets.ISO_8859_1);
    }
}
