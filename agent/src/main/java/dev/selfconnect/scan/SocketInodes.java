package dev.selfconnect.scan;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Set;

/**
 * The inodes of the sockets a process holds, by its descriptors ({@code fd/N -> socket:[INODE]}). A class of its own,
 * small, with java.io's listing and one readlink a descriptor: at startup the agent reads its JVM's beside premain,
 * where loading more (a directory stream, the table parser) would compete with the JVM's start.
 */
public final class SocketInodes {

    private static final String SOCKET_PREFIX = "socket:[";
    private static final String SOCKET_SUFFIX = "]";

    private SocketInodes() {
    }

    /**
     * @param descriptors a process's {@code fd} directory, e.g. /proc/self/fd
     * @throws IOException when it cannot be listed
     */
    public static Set<Long> in(File descriptors) throws IOException {
        String[] names = descriptors.list();
        if (names == null) {
            throw new IOException("cannot list " + descriptors);
        }
        Set<Long> inodes = new HashSet<Long>();
        for (String name : names) {
            String target;
            try {
                target = Files.readSymbolicLink(Paths.get(descriptors.getPath(), name)).toString();
            } catch (IOException closedMeanwhile) {
                continue;
            }
            if (target.startsWith(SOCKET_PREFIX) && target.endsWith(SOCKET_SUFFIX)) {
                try {
                    inodes.add(Long.parseLong(target.substring(SOCKET_PREFIX.length(),
                            target.length() - SOCKET_SUFFIX.length())));
                } catch (NumberFormatException notTheKernelsForm) {
                    // not counted
                }
            }
        }
        return inodes;
    }
}
