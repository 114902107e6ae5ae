package dev.selfconnect.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;

/**
 * The file the agent writes its answer to, since an attach carries no text back. It is made in the target's own
 * temporary directory, reached through /proc/PID/root, so that a JVM in a container or with a private /tmp finds it;
 * when this tool runs as root for another user's JVM, that user gets the file.
 */
final class ReplyFile {

    final Path pathHere;
    final String pathForTarget;
    private ReplyFile(Path pathHere, String pathForTarget) {
        this.pathHere = pathHere;
        this.pathForTarget = pathForTarget;
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
            return new ReplyFile(file, forTarget);
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

    /** The agent's answer, empty if it wrote none; the file is deleted. */
    String take() {
        String text;
        try {
            text = new String(Files.readAllBytes(pathHere), StandardCharsets.UTF_8).trim();
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
}
