package dev.selfconnect.vocabulary;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the two kernel files (inside a container or network namespace, its own) and keeps the last reading: it is
 * read again at most every {@link #REFRESH_NANOS}, when a finding is about to be reported (so a port reserved since
 * is not reported) or when a connect's local port shows the range has changed. Malformed content is reported once
 * through the {@link Notices} and read as "no reserved ports" (reserved list) or "no reading" (range); it never
 * throws.
 */
public final class KernelPortFiles {

    public static final Path DEFAULT_DIRECTORY = Paths.get("/proc/sys/net/ipv4");
    public static final String RANGE_FILE = "ip_local_port_range";
    public static final String RESERVED_FILE = "ip_local_reserved_ports";
    public static final long REFRESH_NANOS = 5_000_000_000L;
    private static final int INITIAL_BUFFER = 512;

    private final Path rangeFile;
    private final Path reservedFile;
    private final long refreshNanos;
    private final Notices notices;
    private final Set<String> reported = Collections.newSetFromMap(new ConcurrentHashMap<String, Boolean>());
    private volatile EphemeralPorts current;
    private volatile long readAt;

    public KernelPortFiles(Path directory, long refreshNanos, Notices notices) {
        this.rangeFile = directory.resolve(RANGE_FILE);
        this.reservedFile = directory.resolve(RESERVED_FILE);
        this.refreshNanos = refreshNanos;
        this.notices = notices;
        read();
    }

    /** The last reading, refreshed if stale; null where the range cannot be read (not Linux, or malformed). */
    public EphemeralPorts current() {
        refreshIfStale();
        return current;
    }

    /** The last reading as it is, without looking at the clock: for paths that must not cost more than a read. */
    public EphemeralPorts cached() {
        return current;
    }

    /**
     * The cheap part of a risk check, for the connect path: a volatile read and int compares against the cached
     * reading, no clock, no shared write. The connect's own local port tells when the reading may be stale: the kernel
     * gave it from the current range, so a local port outside the cached range means the range has changed (or the
     * client bound a port of its own); then the files are read again, at most every {@link #REFRESH_NANOS}.
     */
    public boolean mayBeAtRisk(int remotePort, int localPort) {
        EphemeralPorts ports = current;
        if (ports == null) {
            return false;
        }
        if (!ports.range().contains(localPort)) {
            refreshIfStale();
            ports = current;
            if (ports == null) {
                return false;
            }
        }
        return ports.atRisk(remotePort);
    }

    public void refreshIfStale() {
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
            rangeText = firstLine(readAll(rangeFile));
        } catch (FileNotFoundException notLinux) {
            once("missing", false, "the risk audit cannot run here: " + rangeFile + " does not exist (not Linux);"
                    + " self-connections are still detected");
            current = null;
            return;
        } catch (IOException e) {
            once("unreadable " + e, true, "the risk audit cannot read " + rangeFile + " (" + e
                    + "); it is off until it can");
            current = null;
            return;
        }
        PortRange range = PortRange.parse(rangeText);
        if (range == null) {
            once("range " + rangeText, true, "the risk audit cannot use " + rangeFile + ": '" + rangeText
                    + "' is not 'LOW HIGH'; it is off until the file is fixed");
            current = null;
            return;
        }
        current = new EphemeralPorts(range, readReserved());
    }

    private ReservedPorts readReserved() {
        String reservedText = null;
        try {
            reservedText = readAll(reservedFile);
            return ReservedPorts.parse(reservedText);
        } catch (IOException e) {
            if (!reservedFile.toFile().exists()) {
                return ReservedPorts.NONE; // an old kernel without reserved ports
            }
            once("reserved " + e, true, "the risk audit cannot read " + reservedFile + " (" + e
                    + "); it counts no port as reserved");
        } catch (IllegalArgumentException malformed) {
            once("reserved " + reservedText, true, "the risk audit cannot parse " + reservedFile + " ('"
                    + reservedText.trim() + "': " + malformed.getMessage() + "); it counts no port as reserved");
        }
        return ReservedPorts.NONE;
    }

    private void once(String key, boolean warning, String message) {
        if (reported.add(key)) {
            if (warning) {
                notices.warn(message);
            } else {
                notices.info(message);
            }
        }
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /**
     * The whole (small) file, read to its end: a /proc file reports a size that is not its length, so nothing that
     * trusts the size is used (Files.readAllBytes returned a truncated value). No reader, charset decoder, regular
     * expression or NIO file-system call (the existence checks use java.io.File too): this runs at JVM start.
     * FileInputStream is loaded at JVM start already; Files.newInputStream would load and initialize NIO channels.
     */
    public static String readAll(Path file) throws IOException {
        byte[] buffer = new byte[INITIAL_BUFFER];
        int length = 0;
        try (InputStream in = new FileInputStream(file.toFile())) {
            for (int n; (n = in.read(buffer, length, buffer.length - length)) > 0; ) {
                length += n;
                if (length == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
            }
        }
        return new String(buffer, 0, length, StandardCharsets.ISO_8859_1);
    }

    /** One reading of a directory holding the two files, for a tool that reads once (the scan); null as above. */
    public static EphemeralPorts readOnce(Path directory, Notices notices) {
        return new KernelPortFiles(directory, Long.MAX_VALUE, notices).cached();
    }
}
