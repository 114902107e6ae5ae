package dev.selfconnect.instrumentation;

import dev.selfconnect.vocabulary.PlainText;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.net.URL;
import java.security.CodeSource;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Reads class files from the agent jar as bytes, for classes the agent defines itself (the bridge in the bootstrap
 * loader, the privileged class in its isolated loader); those classes must not be loaded from the jar before.
 */
final class AgentJar {

    private static final int BUFFER = 8192;
    /** How /proc/self/fd names a file that was unlinked since it was opened. */
    private static final String DELETED = " (deleted)";

    /**
     * The jar as premain first read it: static because the protection asks it, from any thread, whether the jar was
     * written into since, and the jar is the JVM's, whichever installation reads it.
     */
    private static volatile AgentJar atStart;

    /** Its path, size and modification time, from java.io.File (no class loaded). */
    private final File jar;
    private final long lengthAtStart;
    private final long modifiedAtStart;
    /** The file the path named then, links resolved: a link re-pointed later must not hide it. */
    private final String canonicalAtStart;
    /** The size and time of the file at the jar's path when they last differed but the JVM's open jar did not. */
    private long lengthSeen = -1;
    private long modifiedSeen = -1;
    private String changed;
    private final Object copying = new Object();
    /**
     * Once the class loader reads the jar from a private copy, the jar it read before, kept open (never read again);
     * from then on what happens to the file at the path changes nothing.
     */
    private volatile JarFile replacedByPrivateCopy;

    private AgentJar(File jar) {
        this.jar = jar;
        lengthAtStart = jar.length();
        modifiedAtStart = jar.lastModified();
        String canonical;
        try {
            canonical = jar.getCanonicalPath();
        } catch (IOException e) {
            canonical = jar.getAbsolutePath();
        }
        canonicalAtStart = canonical;
    }

    /**
     * The class file, read from the agent jar opened directly: the class loader's resource lookup would go through URL
     * handlers that the JVM has not loaded yet (some 3 ms on JDK 25). The loader is the fallback for an agent run from
     * a directory.
     */
    static byte[] classFile(String className) throws IOException {
        String resource = className.replace('.', '/') + ".class";
        File agentJar = location();
        if (agentJar != null) {
            remember(agentJar);
            try (JarFile jar = new JarFile(agentJar)) {
                ZipEntry entry = jar.getEntry(resource);
                if (entry != null) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        return readFully(in);
                    }
                }
            }
        }
        try (InputStream in = AgentJar.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the agent jar has no " + resource);
            }
            return readFully(in);
        }
    }

    private static synchronized void remember(File agentJar) {
        if (atStart == null) {
            atStart = new AgentJar(agentJar);
        }
    }

    /**
     * How the agent jar the JVM reads differs from what premain read (its size or modification time changed: it was
     * written into), or null when it looks the same or was never read. Replaced by a rename, the jar at the path is
     * another file, while the JVM goes on reading the one it opened: then the files the JVM holds open under the
     * jar's path are what is compared. A change once found stays: the JVM's reader cannot recover from it.
     */
    static String changedSinceStart() {
        AgentJar read = atStart;
        return read == null ? null : read.changed();
    }

    private synchronized String changed() {
        if (changed != null || replacedByPrivateCopy != null) {
            return changed;
        }
        long length = jar.length();
        long modified = jar.lastModified();
        if (length == lengthAtStart && modified == modifiedAtStart
                || length == lengthSeen && modified == modifiedSeen) {
            return null;
        }
        Boolean openJarUnchanged = openJarUnchanged(canonicalAtStart);
        if (openJarUnchanged == null || !openJarUnchanged) {
            changed = "the agent jar " + PlainText.value(jar.toString()) + " was written into while the JVM runs ("
                    + lengthAtStart + " bytes when it started, " + (modified == 0 ? "gone" : length + " bytes")
                    + " now)";
            return changed;
        }
        lengthSeen = length;
        modifiedSeen = modified;
        return null;
    }

    /**
     * Whether every file the JVM holds open under the jar's path (the class loader's jar, renamed or deleted since
     * perhaps) has the size and time premain saw; null when none is found (no /proc, or the jar is not held open).
     */
    private Boolean openJarUnchanged(String path) {
        File[] descriptors = new File("/proc/self/fd").listFiles();
        if (descriptors == null) {
            return null;
        }
        Boolean unchanged = null;
        for (File descriptor : descriptors) {
            String target;
            try {
                target = Files.readSymbolicLink(descriptor.toPath()).toString();
            } catch (IOException | RuntimeException closedMeanwhile) {
                continue;
            }
            if (target.equals(path) || target.equals(path + DELETED)) {
                // java.io.File follows the descriptor's link to the open file itself, deleted or not
                boolean same = descriptor.length() == lengthAtStart && descriptor.lastModified() == modifiedAtStart;
                unchanged = (unchanged == null || unchanged) && same;
            }
        }
        return unchanged;
    }

    /**
     * Moves the class loader's reading of the jar to a private copy ({@link PrivateAgentJar}), once per JVM. On an
     * agent thread.
     */
    static void readFromPrivateCopy(JavaBaseAccess access) {
        AgentJar read = atStart;
        if (read != null) {
            read.moveToPrivateCopy(access);
        }
    }

    private void moveToPrivateCopy(JavaBaseAccess access) {
        synchronized (copying) { // not the lock of changed(), which a thread failing to load a class takes
            if (replacedByPrivateCopy == null) {
                replacedByPrivateCopy = PrivateAgentJar.moveToPrivateCopy(access, jar, lengthAtStart, modifiedAtStart);
            }
        }
    }

    /** The jar this class was loaded from, or null if it was not loaded from a local jar file. */
    private static File location() {
        CodeSource source = AgentJar.class.getProtectionDomain().getCodeSource();
        URL location = source == null ? null : source.getLocation();
        if (location == null || !"file".equals(location.getProtocol())) {
            return null;
        }
        try {
            File file = new File(location.toURI());
            return file.isFile() ? file : null;
        } catch (URISyntaxException | IllegalArgumentException notAFile) {
            return null;
        }
    }

    private static byte[] readFully(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[BUFFER];
        for (int n; (n = in.read(buffer)) > 0; ) {
            bytes.write(buffer, 0, n);
        }
        return bytes.toByteArray();
    }
}
