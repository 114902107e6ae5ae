package dev.selfconnect.config;

import dev.selfconnect.audit.AuditFileHandle;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Makes sure the audit file can be written before the agent starts: opens it once as the audit does (creating it
 * with mode 0600 if nothing is there), so that a path that could never be written, or that is not a regular file of
 * the JVM's user (a symbolic link, a FIFO, a device, a directory, another user's file), stops the JVM at startup.
 * A FIFO is never opened, so the check cannot block.
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
            AuditFileHandle.open(path).close();
            return null;
        } catch (AuditFileHandle.Refused refused) {
            return refused.getMessage();
        } catch (IOException | RuntimeException e) {
            return "it cannot be written (" + e + ")";
        }
    }
}
