package dev.selfconnect.instrumentation;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * Moves the class loader's reading of the agent jar to a private copy, so that a jar written into while the JVM runs
 * (a deploy's {@code cp} over it) changes nothing the JVM reads: the agent's classes not loaded yet still load, and
 * on JDK 8, whose zip reader maps the jar's directory of entries, no lookup of the application's class loader touches
 * a file that a truncation made shorter. The copy is made in the JVM's own temporary directory, as the JVM's user,
 * readable by its owner only, opened, then unlinked: it lives as long as the open jar.
 *
 * <p>The loader's {@code URLClassPath} keeps one jar loader per class path entry; only the {@link JarFile} that loader
 * reads through is replaced, by one over an identical copy. The class path, the URLs and the code sources the
 * application sees stay what they were. The jar the loader had open stays open, unread: for a lookup already under
 * way, and as the sign the attach tool looks for that this JVM opened the jar it was given.
 */
final class PrivateAgentJar {

    private static final String COPY_PREFIX = "selfconnect-agent-";
    private static final String COPY_SUFFIX = ".jar";
    /** The built-in class loaders' class path ({@code URLClassLoader} on JDK 8, {@code BuiltinClassLoader} after). */
    private static final String CLASS_PATH_FIELD = "ucp";
    /** The class path's loaders, one per entry opened so far. */
    private static final String LOADERS_FIELD = "loaders";
    /** A jar loader's entry, as the class path names it. */
    private static final String ENTRY_FIELD = "csu";
    private static final String JAR_LOADER = "JarLoader";
    private static final int BUFFER = 64 * 1024;
    private static final int CREATE_ATTEMPTS = 8;
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private PrivateAgentJar() {
    }

    /**
     * Makes the loader of this class read the agent jar from a private copy.
     *
     * @param lengthAtStart   the jar's size when premain read it
     * @param modifiedAtStart its modification time then
     * @return the jar the loader read before, still open; null when the loader was left as it was (not one of the
     *         JDK's, no loader for the jar, no copy could be made, or the jar changed before the copy was made)
     */
    static JarFile moveToPrivateCopy(JavaBaseAccess access, File agentJar, long lengthAtStart, long modifiedAtStart) {
        if (agentJar == null) {
            return null;
        }
        try {
            Object classPath = read(access, PrivateAgentJar.class.getClassLoader(), CLASS_PATH_FIELD);
            Object loader = classPath == null ? null : loaderOf(access, classPath, agentJar);
            Field jarField = loader == null ? null : fieldOfType(loader.getClass(), JarFile.class);
            if (jarField == null) {
                return null;
            }
            access.makeAccessible(jarField);
            JarFile open = (JarFile) jarField.get(loader);
            JarFile copy = open == null ? null : copyOf(agentJar, lengthAtStart, modifiedAtStart);
            if (copy == null) {
                return null;
            }
            // The jar loader reads this field without a lock; a lookup under way finishes with the jar it read.
            jarField.set(loader, copy);
            return open;
        } catch (IOException | ReflectiveOperationException | RuntimeException notPossibleHere) {
            return null;
        }
    }

    /** The jar loader of the class path whose entry is the agent jar, or null. */
    private static Object loaderOf(JavaBaseAccess access, Object classPath, File agentJar)
            throws ReflectiveOperationException, IOException {
        Object loaders = read(access, classPath, LOADERS_FIELD);
        if (!(loaders instanceof List)) {
            return null;
        }
        Object[] snapshot;
        // The class path adds loaders under its own lock. Nothing else is done under it: this thread holding it while
        // it loads a class would deadlock with another thread that holds that class's loading lock and waits for it.
        synchronized (classPath) {
            snapshot = ((List<?>) loaders).toArray();
        }
        String wanted = agentJar.getCanonicalPath();
        for (Object loader : snapshot) {
            if (!loader.getClass().getName().endsWith(JAR_LOADER)) {
                continue;
            }
            Object entry = read(access, loader, ENTRY_FIELD);
            if (entry instanceof URL && "file".equals(((URL) entry).getProtocol())) {
                try {
                    if (new File(((URL) entry).toURI()).getCanonicalPath().equals(wanted)) {
                        return loader;
                    }
                } catch (URISyntaxException | IllegalArgumentException notAFile) {
                    // another entry
                }
            }
        }
        return null;
    }

    /**
     * A private copy of the jar, opened, its file unlinked; null when the jar is not the one premain read (its size or
     * time changed before the copy was made). The file is made by {@link Files#createFile} with a name of its own
     * rather than by {@code Files.createTempFile}, whose secure random names cost a cold JVM some milliseconds.
     */
    private static JarFile copyOf(File agentJar, long lengthAtStart, long modifiedAtStart) throws IOException {
        Path copy = createOwnerOnly(Paths.get(System.getProperty("java.io.tmpdir")));
        try {
            try (InputStream in = Files.newInputStream(agentJar.toPath());
                 OutputStream out = Files.newOutputStream(copy, LinkOption.NOFOLLOW_LINKS,
                         StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                }
            }
            if (Files.size(copy) != lengthAtStart || agentJar.length() != lengthAtStart
                    || agentJar.lastModified() != modifiedAtStart) {
                return null;
            }
            return new JarFile(copy.toFile());
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /** A new file in this directory, readable and writable by its owner only; never a file that was there. */
    private static Path createOwnerOnly(Path directory) throws IOException {
        FileAlreadyExistsException last = null;
        for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
            long unique = System.nanoTime() ^ ((long) System.identityHashCode(new Object()) << 32);
            Path file = directory.resolve(COPY_PREFIX + Long.toHexString(unique) + COPY_SUFFIX);
            try {
                return Files.createFile(file, OWNER_ONLY);
            } catch (FileAlreadyExistsException taken) {
                last = taken;
            }
        }
        throw last;
    }

    /** The value of the field with this name in the object's class or a superclass; null if there is none. */
    private static Object read(JavaBaseAccess access, Object owner, String name) throws IllegalAccessException {
        for (Class<?> type = owner.getClass(); type != null; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (field.getName().equals(name)) {
                    access.makeAccessible(field);
                    return field.get(owner);
                }
            }
        }
        return null;
    }

    private static Field fieldOfType(Class<?> owner, Class<?> type) {
        for (Class<?> c = owner; c != null; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.getType() == type) {
                    return field;
                }
            }
        }
        return null;
    }
}
