package dev.selfconnect.cli;

import dev.selfconnect.scan.AgentJars;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * What Linux tells about a process in /proc before anything is sent to it: whether it exists, whose it is, whether a
 * JVM runs in it and from which Java home. The attach mechanism sends SIGQUIT to its target, which kills a process
 * that is not a JVM, so a pid is checked here first. Elsewhere (no /proc) every answer is "unknown" and the attach
 * API's own errors speak.
 */
final class TargetProcess {

    static final int UNKNOWN_UID = -1;
    /** By name: loading the class would need java.instrument, which this tool's runtime may lack. */
    private static final Path PROC = Paths.get("/proc");
    private static final String RELEASE = "release";
    /** A JDK's release file is under 2 KB; its JAVA_VERSION line comes first. */
    private static final int MAX_RELEASE_BYTES = 16384;

    final String pid;
    private final Path dir;

    private TargetProcess(String pid) {
        this.pid = pid;
        this.dir = PROC.resolve(pid);
    }

    /** The process, or a {@link CliException} naming what is wrong with the pid as given. */
    static TargetProcess of(String pidArgument) throws CliException {
        String pid = Arguments.pid(pidArgument);
        TargetProcess process = new TargetProcess(pid);
        if (process.pid.equals(ownPid())) {
            throw new CliException("process " + pid + " is this tool's own JVM: give the pid of another JVM");
        }
        if (procAvailable() && !Files.isDirectory(process.dir)) {
            throw new CliException("there is no process with pid " + pid + " (list the JVMs you can attach to "
                    + "with: java -jar selfconnect.jar list)");
        }
        return process;
    }

    static boolean procAvailable() {
        return Files.isRegularFile(PROC.resolve("self/status"));
    }

    /** The effective uid of this process, or {@link #UNKNOWN_UID}. */
    static int ownUid() {
        return uidOf(PROC.resolve("self"));
    }

    /** The effective uid of the process, as this tool's user namespace sees it, or {@link #UNKNOWN_UID}. */
    int uid() {
        return uidOf(dir);
    }

    /** The process's short command name (the file name of its executable, at most 15 characters), escaped. */
    String commandName() {
        try {
            return Untrusted.line(read(dir.resolve("comm")).trim(), Untrusted.CELL);
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * Whether a HotSpot or OpenJ9 JVM is mapped into the process: TRUE, FALSE, or null when its memory map cannot be
     * read (another user's process, or no /proc).
     */
    Boolean runsJvm() {
        if (!procAvailable()) {
            return null;
        }
        try (BufferedReader maps = Files.newBufferedReader(dir.resolve("maps"), StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = maps.readLine()) != null) {
                if (line.endsWith("/libjvm.so") || line.endsWith("/libj9vm29.so")) {
                    return Boolean.TRUE;
                }
            }
            return Boolean.FALSE;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether the process has a selfconnect agent jar open (a JVM keeps the jar of an agent it loaded open): TRUE,
     * FALSE, or null when its open files cannot be listed. It lets the listing leave alone the JVMs that never had
     * the agent, rather than attach to every one.
     */
    Boolean hasAgentJarOpen(AgentJars jars) {
        if (!procAvailable()) {
            return null;
        }
        return jars.openIn(dir.resolve("fd"));
    }

    /** Whether the process's command line has this argument, or null when it cannot be read. */
    Boolean commandLineHas(String argument) {
        try {
            for (String piece : read(dir.resolve("cmdline")).split("\u0000")) {
                if (piece.equals(argument)) {
                    return Boolean.TRUE;
                }
            }
            return Boolean.FALSE;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The Java version of the runtime the process runs, from its release file, or "?". The file is looked up below
     * the process's root without following its links, and read only if it is a regular file, at most a few KB.
     */
    String javaVersion() {
        String home = javaHome();
        if (home == null || !procAvailable()) {
            return "?";
        }
        try {
            List<String> components = JarCopy.components(home);
            try (SecureDirectoryStream<Path> javaHome = JarCopy.open(root(), components)) {
                Path release = Paths.get(RELEASE);
                if (!javaHome.getFileAttributeView(release, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .readAttributes().isRegularFile()) {
                    return "?";
                }
                try (SeekableByteChannel in = javaHome.newByteChannel(release,
                        new HashSet<OpenOption>(Arrays.<OpenOption>asList(StandardOpenOption.READ,
                                LinkOption.NOFOLLOW_LINKS)))) {
                    ByteBuffer bytes = ByteBuffer.allocate(MAX_RELEASE_BYTES);
                    while (bytes.hasRemaining() && in.read(bytes) > 0) {
                        // until full or at its end
                    }
                    String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
                    for (String line : text.split("\n")) {
                        if (line.startsWith("JAVA_VERSION=")) {
                            return line.substring("JAVA_VERSION=".length()).replace("\"", "").trim();
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "?";
    }

    /**
     * Whether the process runs in another mount namespace than this tool but in the same pid namespace (a systemd
     * service with PrivateTmp, a container sharing the host's pids): its /tmp is not this tool's. False if unknown.
     */
    boolean hasOwnTmpButSharesPids() {
        return !sameNamespace("mnt") && sameNamespace("pid");
    }

    /** Whether the process shares this tool's mount namespace (true when unknown: then paths are taken as they are). */
    boolean sharesMountNamespace() {
        return sameNamespace("mnt");
    }

    /** The process's root directory, {@code /proc/PID/root}: its own file system, seen from here. */
    Path root() {
        return dir.resolve("root");
    }

    /**
     * Whether the process, at this absolute path of its own file system, sees this very file (same device and
     * inode). The path is looked up below its root one component at a time without following any link, so that no
     * link of the process's points this look-up at a file of this tool's world.
     */
    boolean seesSameFile(Path file) {
        try {
            List<String> components = JarCopy.components(file.toString());
            if (components.isEmpty()) {
                return false;
            }
            Object ownKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            try (SecureDirectoryStream<Path> parent = JarCopy.open(root(), components.subList(0,
                    components.size() - 1))) {
                Object seen = parent.getFileAttributeView(Paths.get(components.get(components.size() - 1)),
                        BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes().fileKey();
                return ownKey != null && ownKey.equals(seen);
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether the process holds open this file or the file with this key (device and inode): TRUE, FALSE, or null when
     * its descriptors cannot be listed. Each descriptor is only looked at (stat), never opened.
     */
    Boolean holdsOpen(Path file, Object otherKey) {
        Object key;
        try {
            key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException | RuntimeException e) {
            key = null;
        }
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(dir.resolve("fd"))) {
            for (Path descriptor : descriptors) {
                Object open;
                try {
                    open = Files.readAttributes(descriptor, BasicFileAttributes.class).fileKey();
                } catch (IOException | RuntimeException closedMeanwhile) {
                    continue;
                }
                if (open != null && (open.equals(key) || open.equals(otherKey))) {
                    return Boolean.TRUE;
                }
            }
            return Boolean.FALSE;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The process's command line, its arguments as given; empty when it cannot be read. */
    List<String> commandLine() {
        try {
            String all = read(dir.resolve("cmdline"));
            List<String> arguments = new ArrayList<String>();
            for (String piece : all.split("\u0000")) {
                arguments.add(piece);
            }
            return arguments;
        } catch (IOException | RuntimeException e) {
            return new ArrayList<String>();
        }
    }

    private boolean sameNamespace(String kind) {
        try {
            return Files.readSymbolicLink(PROC.resolve("self/ns/" + kind))
                    .equals(Files.readSymbolicLink(dir.resolve("ns/" + kind)));
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** The Java home the process's {@code java} runs from, or null. */
    String javaHome() {
        try {
            Path exe = Files.readSymbolicLink(dir.resolve("exe"));
            Path bin = exe.getParent();
            if (bin == null || !"bin".equals(String.valueOf(bin.getFileName())) || bin.getParent() == null) {
                return null;
            }
            return bin.getParent().toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String ownPid() {
        try {
            return Files.readSymbolicLink(PROC.resolve("self")).toString();
        } catch (IOException | RuntimeException e) {
            String name = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
            int at = name.indexOf('@');
            return at > 0 ? name.substring(0, at) : "";
        }
    }

    /** The user name of a uid from /etc/passwd, or null. */
    static String userName(int uid) {
        try {
            for (String line : Files.readAllLines(Paths.get("/etc/passwd"), StandardCharsets.UTF_8)) {
                String[] fields = line.split(":", -1);
                if (fields.length > 2 && fields[2].equals(Integer.toString(uid))) {
                    return fields[0];
                }
            }
        } catch (IOException | RuntimeException e) {
            // no user database to ask
        }
        return null;
    }

    /** A /proc file, read in large blocks: Files.readAllBytes trusts its size, which /proc gives as 0. */
    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) > 0) {
                bytes.write(buffer, 0, n);
            }
            return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
        }
    }

    private static int uidOf(Path processDir) {
        File status = processDir.resolve("status").toFile();
        if (!status.isFile()) {
            return UNKNOWN_UID;
        }
        try {
            for (String line : Files.readAllLines(status.toPath(), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).trim().split("\\s+");
                    return Integer.parseInt(ids.length > 1 ? ids[1] : ids[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // it ended meanwhile
        }
        return UNKNOWN_UID;
    }
}
