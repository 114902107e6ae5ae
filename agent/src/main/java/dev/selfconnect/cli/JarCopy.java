package dev.selfconnect.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * A copy of the agent jar for a JVM in another mount namespace (a container, a service with a private /tmp) that does
 * not see this tool's jar, made in that JVM's own temporary directory and removed once the load is over.
 * <p>
 * The directory belongs to the target's world: a path resolved below {@code /proc/PID/root} follows the target's
 * absolute symbolic links against this tool's root, so a container could steer root's writes into a host directory.
 * So the directory is opened one component at a time from the target's root, each relative to the one before and
 * never through a link ({@code openat} with {@code O_NOFOLLOW}, through {@link SecureDirectoryStream}); {@code ..} is
 * refused. The file is created new (never an existing one), read-only for everyone, owned by this tool's user: the
 * target can read it and nobody else can write it; it is never handed to the target's user.
 */
final class JarCopy implements AutoCloseable {

    private static final String PREFIX = "selfconnect-agent-";
    private static final String SUFFIX = ".jar";
    private static final int NAME_RANDOM_BYTES = 12;
    /** Where a JVM's own /tmp is when its java.io.tmpdir cannot be used. */
    private static final String FALLBACK_DIRECTORY = "/tmp";

    /** The copy as the target sees it. */
    final String pathForTarget;
    private final SecureDirectoryStream<Path> directory;
    private final Path name;
    /** Device and inode of the copy. */
    final Object fileKey;

    private JarCopy(String pathForTarget, SecureDirectoryStream<Path> directory, Path name, Object fileKey) {
        this.pathForTarget = pathForTarget;
        this.directory = directory;
        this.name = name;
        this.fileKey = fileKey;
    }

    /**
     * Copies the jar into the target's temporary directory, or its /tmp if that directory is a link or unusable.
     *
     * @param targetRoot the target's root, {@code /proc/PID/root}
     */
    static JarCopy create(Path targetRoot, String targetTmp, Path agentJar) throws CliException {
        List<String> tried = new ArrayList<String>();
        for (String candidate : new String[] {targetTmp, FALLBACK_DIRECTORY}) {
            if (candidate == null || tried.contains(candidate)) {
                continue;
            }
            try {
                return createIn(targetRoot, candidate, agentJar);
            } catch (IOException | RuntimeException e) {
                tried.add(candidate + " (" + Failures.shortReason(e) + ")");
            }
        }
        throw new CliException("the JVM does not see this tool's jar (it runs in another mount namespace) and no "
                + "copy can be made for it where it is safe: " + Untrusted.line(String.join(", ", tried),
                Untrusted.LINE) + "; links of the JVM's are never followed. Make the jar visible to the JVM (a "
                + "read-only mount) or run the tool inside its namespace (nsenter --target PID --mount "
                + "--setuid UID --setgid GID java -jar selfconnect.jar ...)");
    }

    private static JarCopy createIn(Path targetRoot, String directoryPath, Path agentJar) throws IOException {
        SecureDirectoryStream<Path> directory = open(targetRoot, components(directoryPath));
        try {
            Path name = Paths.get(PREFIX + randomHex() + SUFFIX);
            try (SeekableByteChannel out = directory.newByteChannel(name,
                    new HashSet<OpenOption>(Arrays.<OpenOption>asList(StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r--r--r--")));
                 InputStream in = Files.newInputStream(agentJar)) {
                byte[] buffer = new byte[65536];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                    while (bytes.hasRemaining()) {
                        out.write(bytes);
                    }
                }
            } catch (IOException | RuntimeException e) {
                deleteQuietly(directory, name);
                throw e;
            }
            BasicFileAttributes attributes = directory.getFileAttributeView(name, BasicFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS).readAttributes();
            String forTarget = (directoryPath.endsWith("/") ? directoryPath : directoryPath + "/") + name;
            return new JarCopy(forTarget, directory, name, attributes.fileKey());
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    /** The directory, reached from the target's root one component at a time, never through a link. */
    static SecureDirectoryStream<Path> open(Path targetRoot, List<String> components) throws IOException {
        DirectoryStream<Path> root = Files.newDirectoryStream(targetRoot);
        if (!(root instanceof SecureDirectoryStream)) {
            root.close();
            throw new IOException("this platform cannot open directories without following links");
        }
        SecureDirectoryStream<Path> current = (SecureDirectoryStream<Path>) root;
        for (String component : components) {
            SecureDirectoryStream<Path> next;
            try {
                next = current.newDirectoryStream(Paths.get(component), LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                current.close();
                throw new IOException("'" + component + "' is a link or not a directory there (" + e.getMessage()
                        + ")", e);
            }
            current.close();
            current = next;
        }
        return current;
    }

    /** The components of an absolute path; {@code ..} and {@code .} are refused, empty ones dropped. */
    static List<String> components(String path) throws IOException {
        if (!path.startsWith("/")) {
            throw new IOException("not an absolute path");
        }
        List<String> components = new ArrayList<String>();
        for (String component : path.split("/")) {
            if (component.equals("..") || component.equals(".")) {
                throw new IOException("the path has a '" + component + "' component");
            }
            if (!component.isEmpty()) {
                components.add(component);
            }
        }
        return components;
    }

    private static String randomHex() {
        byte[] bytes = new byte[NAME_RANDOM_BYTES];
        new SecureRandom().nextBytes(bytes);
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            hex.append(String.format("%02x", b & 0xff));
        }
        return hex.toString();
    }

    private static void deleteQuietly(SecureDirectoryStream<Path> directory, Path name) {
        try {
            directory.deleteFile(name);
        } catch (IOException | RuntimeException ignored) {
            // it was not made, or is gone already
        }
    }

    /** Removes the copy, by its name in the very directory it was made in. */
    @Override
    public void close() {
        deleteQuietly(directory, name);
        try {
            directory.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
