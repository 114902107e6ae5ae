package dev.selfconnect.config;

import dev.selfconnect.vocabulary.PlainText;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Opens the audit file so that no other user's file is ever written through its path, at startup (where a path that
 * can never be the audit file stops the JVM with one line) and whenever the audit reopens it: never through a
 * symbolic link (O_NOFOLLOW, and O_EXCL when creating, so a link planted at the path, dangling or not, is refused by
 * the kernel itself), only a regular file of the JVM's own user with one link, created with mode 0600. A FIFO is
 * never opened for writing only, which would block until a reader comes: the type is checked first, and an existing
 * file is opened read-write, which does not block on a FIFO swapped in after the check, and must then answer a seek,
 * which a FIFO cannot. The path must name the same file before and after the open.
 */
public final class AuditFileCheck {

    private AuditFileCheck() {
    }

    /** The one line that says an audit file found unusable at startup is not used, and what to do. */
    public static String notUsed(String file, String reason) {
        return "audit.file " + PlainText.value(file) + " is not used: " + PlainText.value(reason) + "; remove what"
                + " is at that path, or set audit.file to a path in a directory only the JVM's user can write (not"
                + " a shared one such as /tmp); until then the events are on standard error only, counted as not"
                + " written, and the file is tried again at each event";
    }

    /** Null when the file is ready to be appended to, else what is wrong, for the one-line setting error. */
    static String problem(String file) {
        Problem problem = check(file);
        return problem == null ? null : problem.reason;
    }

    /** Null when the file is ready to be appended to, else what is wrong. */
    static Problem check(String file) {
        Path path;
        try {
            path = Paths.get(file);
        } catch (RuntimeException e) {
            return new Problem("it is not a valid path (" + e.getMessage() + ")", false);
        }
        try {
            open(path).close();
            return null;
        } catch (Refused refused) {
            return new Problem(refused.getMessage(), true);
        } catch (IOException | RuntimeException e) {
            return new Problem("it cannot be written (" + e + ")", false);
        }
    }

    /**
     * Why a path cannot be the audit file. {@code foundAtPath}: the setting is sound, but what is at the path (or the
     * file system under it) is no file the agent may write, which another user may have put there; otherwise the
     * setting itself is wrong (not a path, no such directory, no permission).
     */
    static final class Problem {
        final String reason;
        final boolean foundAtPath;

        Problem(String reason, boolean foundAtPath) {
            this.reason = reason;
            this.foundAtPath = foundAtPath;
        }
    }

    /** Why a path cannot be the audit file; the message reads "it is ...", for the one-line setting error. */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String reason) {
            super(reason);
        }
    }

    private static final int TYPE_MASK = 0170000;
    private static final int PERMISSION_MASK = 07777;
    private static final int REGULAR = 0100000;
    private static final int SYMLINK = 0120000;
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final Set<OpenOption> CREATE = new HashSet<OpenOption>(Arrays.<OpenOption>asList(
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
    private static final Set<OpenOption> EXISTING = new HashSet<OpenOption>(Arrays.<OpenOption>asList(
            StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
    private static final int ATTEMPTS = 3;

    /**
     * Opens the file at this path for writing, creating it with mode 0600 if nothing is there.
     *
     * @throws Refused when something other than a regular file of this user is at the path
     * @throws IOException when the file cannot be created or opened (no such directory, no permission, ...)
     */
    public static OpenFile open(Path path) throws IOException {
        checkDirectories(path);
        IOException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Stat before = Stat.of(path);
            FileChannel channel;
            if (before == null) {
                try {
                    channel = FileChannel.open(path, CREATE, OWNER_ONLY);
                } catch (FileAlreadyExistsException createdMeanwhile) {
                    last = createdMeanwhile;
                    continue;
                }
            } else {
                before.check(path);
                try {
                    channel = FileChannel.open(path, EXISTING);
                } catch (AccessDeniedException denied) {
                    throw denied;
                } catch (FileSystemException replacedMeanwhile) {
                    last = replacedMeanwhile;
                    continue;
                }
            }
            Stat after;
            try {
                if (before != null) {
                    channel.position(channel.size());
                }
                after = Stat.of(path);
            } catch (IOException notRegular) {
                close(channel);
                last = notRegular;
                continue;
            }
            if (after == null || !after.isRegular() || before != null && !after.sameFile(before)) {
                close(channel);
                last = new Refused("it was replaced while being opened");
                continue;
            }
            return new OpenFile(path, channel, after);
        }
        Stat now = Stat.of(path);
        if (now != null) {
            now.check(path);
        }
        throw last;
    }

    /** The audit file, open for writing, and the file the path named when it was opened. */
    public static final class OpenFile implements Closeable {

        private final Path path;
        private final FileChannel channel;
        private final Stat opened;

        private OpenFile(Path path, FileChannel channel, Stat opened) {
            this.path = path;
            this.channel = channel;
            this.opened = opened;
        }

        public FileChannel channel() {
            return channel;
        }

        /** Whether the path still names the open file: false once it was renamed away, deleted or replaced. */
        public boolean stillAtPath() {
            try {
                Stat now = Stat.of(path);
                return now != null && now.sameFile(opened);
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void close() {
            AuditFileCheck.close(channel);
        }
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was written through it that closing could lose
        }
    }

    /**
     * A directory on the way to the file that is a symbolic link of another user would let that user point the
     * path anywhere; links of root or of the JVM's user (such as /var/run) are trusted.
     */
    private static void checkDirectories(Path path) throws IOException {
        checkFileSystem(path);
        int self = Stat.effectiveUid();
        for (Path dir = path.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
            Stat stat = Stat.of(dir);
            if (stat != null && stat.type == SYMLINK && stat.uid >= 0 && stat.uid != 0 && stat.uid != self) {
                throw new Refused("its directory '" + dir + "' is a symbolic link owned by uid " + stat.uid
                        + " (only links of root or of the JVM's user are followed)");
            }
        }
    }

    /** The kernel's views of processes and devices: their files take writes as commands, never as a log. */
    private static final String[] KERNEL_FILE_SYSTEMS = {"/proc", "/sys"};

    private static void checkFileSystem(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir == null) {
            return;
        }
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException noSuchDirectory) {
            return; // the open says so
        }
        for (String kernel : KERNEL_FILE_SYSTEMS) {
            if (real.startsWith(kernel)) {
                throw new Refused("it is on " + kernel + ", a kernel file system whose files are not logs");
            }
        }
    }

    /** What lstat(2) says of a path: the type, owner, links and identity of what is there, never what it links to. */
    static final class Stat {
        final int type;
        final int uid;
        final int nlink;
        final Object key;
        /** The permission bits (mode & 07777); -1 where the file system does not say. */
        final int permissions;

        private Stat(int type, int uid, int nlink, Object key, int permissions) {
            this.type = type;
            this.uid = uid;
            this.nlink = nlink;
            this.key = key;
            this.permissions = permissions;
        }

        /** Null when nothing is at the path. */
        static Stat of(Path path) throws IOException {
            try {
                Map<String, Object> unix = Files.readAttributes(path, "unix:mode,uid,nlink,ino,dev",
                        LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) unix.get("mode");
                return new Stat(mode & TYPE_MASK, (Integer) unix.get("uid"), (Integer) unix.get("nlink"),
                        unix.get("dev") + ":" + unix.get("ino"), mode & PERMISSION_MASK);
            } catch (NoSuchFileException nothing) {
                return null;
            } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
                try {
                    BasicFileAttributes basic = Files.readAttributes(path, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    int type = basic.isRegularFile() ? REGULAR : basic.isSymbolicLink() ? SYMLINK
                            : basic.isDirectory() ? 0040000 : 0;
                    return new Stat(type, -1, -1, basic.fileKey(), -1);
                } catch (NoSuchFileException nothing) {
                    return null;
                }
            }
        }

        boolean isRegular() {
            return type == REGULAR;
        }

        boolean isSymbolicLink() {
            return type == SYMLINK;
        }

        boolean sameFile(Stat other) {
            return key != null && key.equals(other.key) && type == other.type;
        }

        void check(Path path) throws IOException {
            if (type == SYMLINK) {
                String target;
                try {
                    target = Files.readSymbolicLink(path).toString();
                } catch (IOException | RuntimeException unreadable) {
                    target = "?";
                }
                throw new Refused("it is a symbolic link (to '" + target + "'); the audit file is never written"
                        + " through a link");
            }
            if (type != REGULAR) {
                throw new Refused("it is " + typeName() + ", not a regular file");
            }
            int self = effectiveUid();
            if (uid >= 0 && self >= 0 && uid != self) {
                throw new Refused("it is owned by uid " + uid + ", not by the JVM's user (uid " + self + ")");
            }
            if (nlink > 1) {
                throw new Refused("it has " + nlink + " hard links, so it is also another file; the audit file"
                        + " must have one");
            }
        }

        String typeName() {
            switch (type) {
                case 0040000:
                    return "a directory";
                case 0010000:
                    return "a FIFO (named pipe)";
                case 0020000:
                    return "a character device";
                case 0060000:
                    return "a block device";
                case 0140000:
                    return "a socket";
                default:
                    return "a special file (type " + Integer.toOctalString(type) + ")";
            }
        }

        /** The uid files this JVM creates belong to, from /proc/self/status; -1 where that cannot be read. */
        static int effectiveUid() {
            try {
                List<String> lines = Files.readAllLines(Paths.get("/proc/self/status"), StandardCharsets.UTF_8);
                for (String line : lines) {
                    if (line.startsWith("Uid:")) {
                        return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                    }
                }
            } catch (IOException | RuntimeException notLinux) {
                // as unknown
            }
            return -1;
        }
    }
}
