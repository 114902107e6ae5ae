package dev.selfconnect.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Properties;

/**
 * The file the agent writes its answer to, since an attach carries no text back. It is made in the target's own
 * temporary directory, reached through /proc/PID/root, so that a JVM in a container or with a private /tmp finds it;
 * when this tool runs as root for another user's JVM, that user gets the file.
 * <p>
 * That user can then replace the file (a symbolic link to a file only root may read, a FIFO that never answers), so
 * the answer is read only from the very file this tool made (same device and inode, looked up without following a
 * link, before and after opening), opened without following a link and read-write, which never blocks on a FIFO.
 */
final class ReplyFile {

    /** More than any answer the agent writes. */
    private static final int MAX_REPLY_BYTES = 1 << 20;

    final Path pathHere;
    final String pathForTarget;
    /** Device and inode of the file this tool made. */
    private final String identity;

    private ReplyFile(Path pathHere, String pathForTarget, String identity) {
        this.pathHere = pathHere;
        this.pathForTarget = pathForTarget;
        this.identity = identity;
    }

    static ReplyFile create(TargetProcess process, Properties targetProperties) throws CliException {
        String tmp = targetProperties.getProperty("java.io.tmpdir", System.getProperty("java.io.tmpdir"));
        Path dirHere = process.ownView(tmp);
        if (dirHere == null) {
            dirHere = Paths.get(tmp);
        }
        try {
            Path file = Files.createTempFile(dirHere, "selfconnect-reply-", ".txt");
            handOver(file, process, false);
            String forTarget = Paths.get(tmp).resolve(file.getFileName().toString()).toString();
            if (forTarget.indexOf(',') >= 0) {
                Files.deleteIfExists(file);
                throw new CliException("the JVM's temporary directory " + tmp + " has a comma in its name, which "
                        + "the agent arguments cannot carry");
            }
            return new ReplyFile(file, forTarget, identity(file));
        } catch (IOException e) {
            throw new CliException("cannot create the file for the agent's answer in " + dirHere + ": " + e, e);
        }
    }

    /**
     * Gives a file this tool made to the target's user when they differ (only root can): the JVM must read the jar
     * and write the reply.
     */
    static void handOver(Path file, TargetProcess process, boolean readOnly) {
        int uid = process.uid();
        if (TargetProcess.ownUid() != 0 || uid == TargetProcess.UNKNOWN_UID || uid == 0) {
            return;
        }
        try {
            Files.setAttribute(file, "unix:uid", uid);
        } catch (IOException | RuntimeException e) {
            // not a Unix file system: the JVM may still manage
        }
        if (readOnly) {
            file.toFile().setReadable(true, false);
        }
    }

    /**
     * The agent's answer, empty if it wrote none; if the file was replaced, a line saying so instead of what is
     * there now. The file is deleted (a link in its place is removed, never followed).
     */
    String take() {
        String text;
        try {
            text = read().trim();
        } catch (IOException | RuntimeException e) {
            text = "";
        }
        try {
            Files.deleteIfExists(pathHere);
        } catch (IOException ignored) {
            // left in the temporary directory
        }
        return text;
    }

    private String read() throws IOException {
        String before = identity(pathHere);
        if (before == null) {
            return "";
        }
        if (!before.equals(identity)) {
            return replaced();
        }
        try (FileChannel channel = FileChannel.open(pathHere, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            channel.position(0);
            if (!identity.equals(identity(pathHere))) {
                return replaced();
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (bytes.size() < MAX_REPLY_BYTES && channel.read(buffer) > 0) {
                bytes.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
        }
    }

    private String replaced() {
        String now;
        try {
            Map<String, Object> stat = Files.readAttributes(pathHere, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            now = describe((Integer) stat.get("mode"));
        } catch (IOException | RuntimeException e) {
            now = "something else";
        }
        return "the file was replaced by " + now + " after this tool made it; it is not read";
    }

    private String describe(int mode) {
        switch (mode & 0170000) {
            case 0120000:
                String target;
                try {
                    target = Files.readSymbolicLink(pathHere).toString();
                } catch (IOException | RuntimeException e) {
                    target = "?";
                }
                return "a symbolic link to '" + target + "'";
            case 0010000:
                return "a FIFO";
            case 0100000:
                return "another file";
            default:
                return "a file of type " + Integer.toOctalString(mode & 0170000);
        }
    }

    /** Device and inode of what is at the path, never what a link there points to; null when nothing is there. */
    private static String identity(Path path) throws IOException {
        try {
            Map<String, Object> stat = Files.readAttributes(path, "unix:dev,ino,mode", LinkOption.NOFOLLOW_LINKS);
            if ((((Integer) stat.get("mode")) & 0170000) != 0100000) {
                return "not a regular file";
            }
            return stat.get("dev") + ":" + stat.get("ino");
        } catch (NoSuchFileException gone) {
            return null;
        } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return String.valueOf(key);
        }
    }
}
