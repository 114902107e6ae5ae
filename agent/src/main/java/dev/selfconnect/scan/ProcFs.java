package dev.selfconnect.scan;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the scan reads from /proc (or from a directory laid out like it, for tests). Every read may meet a process
 * that has exited meanwhile or a file this user may not read: each method says so by its result, none throws.
 */
final class ProcFs {


    final Path root;
    private final AgentJars agentJars = new AgentJars();

    /** Field 22 of /proc/PID/stat, counted from field 3 (the state), the first after the command name. */
    private static final int STAT_START_TIME_AFTER_COMMAND = 22 - 3;

    ProcFs(Path root) {
        this.root = root;
    }

    /** This process's pid as the /proc in use sees it, or null. */
    String ownPid() {
        try {
            return Files.readSymbolicLink(root.resolve("self")).getFileName().toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The pids under the root, in ascending order. */
    long[] pids() throws IOException {
        List<Long> pids = new ArrayList<Long>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.isEmpty() && name.length() < 19 && allDigits(name)) {
                    pids.add(Long.parseLong(name));
                }
            }
        }
        long[] sorted = new long[pids.size()];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = pids.get(i);
        }
        Arrays.sort(sorted);
        return sorted;
    }

    private static boolean allDigits(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * What tells network namespaces apart, readable by any user: each namespace has its own /proc/PID/net/tcp entry,
     * with its own inode number, whoever owns the process (the /proc/PID/ns/net link is readable only with the right
     * to inspect the process). Null when the process has exited or the entry cannot be seen.
     */
    Object netKey(String pid) {
        try {
            return Files.readAttributes(root.resolve(pid).resolve("net/tcp"), BasicFileAttributes.class).fileKey();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The uid that owns the process's /proc directory (its effective uid), or -1. */
    long uid(String pid) {
        try {
            Object uid = Files.getAttribute(root.resolve(pid), "unix:uid");
            return uid instanceof Integer ? ((Integer) uid).longValue() & 0xffffffffL : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** "net:[4026531840]", or null when the link cannot be read (another user's process, or gone). */
    String netNamespaceName(String pid) {
        try {
            return Files.readSymbolicLink(root.resolve(pid).resolve("ns/net")).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** When the process started, in clock ticks since boot (field 22 of /proc/PID/stat); -1 when it has exited. */
    long startTime(String pid) {
        try {
            String stat = readText(root.resolve(pid).resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(fields[STAT_START_TIME_AFTER_COMMAND]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    Path path(String pid, String file) {
        return root.resolve(pid).resolve(file);
    }

    /** A /proc file read to its end (their sizes are not their lengths); its length is {@code length[0]}. */
    static byte[] read(Path file, int[] length) throws IOException {
        byte[] buffer = new byte[65536];
        int n = 0;
        try (InputStream in = new FileInputStream(file.toFile())) {
            for (int got; (got = in.read(buffer, n, buffer.length - n)) > 0; ) {
                n += got;
                if (n == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
            }
        } catch (java.io.FileNotFoundException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("Permission denied")) {
                throw new AccessDeniedException(file.toString());
            }
            throw new NoSuchFileException(file.toString());
        }
        length[0] = n;
        return buffer;
    }

    static String readText(Path file) throws IOException {
        int[] length = new int[1];
        byte[] content = read(file, length);
        return new String(content, 0, length[0], StandardCharsets.UTF_8);
    }

    /** The command line, its arguments separated by spaces; the short name in brackets if it has none; null if gone. */
    String commandLine(String pid) {
        try {
            String line = readText(path(pid, "cmdline"));
            StringBuilder sb = new StringBuilder(line.length());
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                sb.append(c == 0 ? ' ' : c < 0x20 ? '?' : c);
            }
            String text = sb.toString().trim();
            if (!text.isEmpty()) {
                return text;
            }
            String name = commandName(pid);
            return name == null ? null : "[" + name + "]";
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The short name of the executable (at most 15 characters), or null. */
    String commandName(String pid) {
        try {
            return readText(path(pid, "comm")).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether a HotSpot or OpenJ9 JVM is mapped into the process; null when its map cannot be read. */
    Boolean runsJvm(String pid) {
        try {
            String maps = readText(path(pid, "maps"));
            return maps.contains("/libjvm.so\n") || maps.contains("/libj9vm29.so\n");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether the process has a selfconnect agent jar open (a JVM keeps the jar of every agent it loaded open, also
     * after the agent's detach); null when its descriptors cannot be listed.
     */
    Boolean hasAgentJarOpen(String pid) {
        return agentJars.openIn(path(pid, "fd"));
    }

    /** The socket inodes a process holds, by its fd links "socket:[INODE]". */
    interface SocketVisitor {
        /** Returns false to stop the walk. */
        boolean socket(long inode);
    }

    enum WalkResult { READ, GONE, DENIED }

    WalkResult walkSockets(String pid, SocketVisitor visitor) {
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(path(pid, "fd"))) {
            for (Path descriptor : descriptors) {
                String target;
                try {
                    target = Files.readSymbolicLink(descriptor).toString();
                } catch (IOException | RuntimeException closedMeanwhile) {
                    continue;
                }
                if (target.startsWith("socket:[") && target.endsWith("]")) {
                    long inode;
                    try {
                        inode = Long.parseLong(target.substring(8, target.length() - 1));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    if (!visitor.socket(inode)) {
                        return WalkResult.READ;
                    }
                }
            }
            return WalkResult.READ;
        } catch (AccessDeniedException e) {
            return WalkResult.DENIED;
        } catch (IOException | RuntimeException e) {
            return Files.isDirectory(root.resolve(pid)) && !Files.isReadable(path(pid, "fd"))
                    ? WalkResult.DENIED : WalkResult.GONE;
        }
    }
}
