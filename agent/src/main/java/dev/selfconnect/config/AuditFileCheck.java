package dev.selfconnect.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Makes sure the audit file can be written before the agent starts: creates it readable and writable by its owner
 * only (where the file system has POSIX permissions) and opens it for appending once.
 */
public final class AuditFileCheck {

    private AuditFileCheck() {
    }

    /** Null when the file is ready to be appended to, else what is wrong, for the one-line setting error. */
    static String problem(String file) {
        Path path;
        try {
            path = Paths.get(file);
        } catch (RuntimeException e) {
            return "it is not a valid path (" + e.getMessage() + ")";
        }
        try {
            createOwnerOnly(path);
            if (Files.isDirectory(path)) {
                return "it is a directory";
            }
            FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND).close();
            return null;
        } catch (IOException | RuntimeException e) {
            return "it cannot be written (" + e + ")";
        }
    }

    /** Creates the file with mode 0600 unless it exists; an existing file keeps its permissions. */
    public static void createOwnerOnly(Path path) throws IOException {
        if (Files.exists(path)) {
            return;
        }
        try {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(path);
        } catch (FileAlreadyExistsException createdMeanwhile) {
            // another JVM created it first: it appends to the same file
        }
    }
}
