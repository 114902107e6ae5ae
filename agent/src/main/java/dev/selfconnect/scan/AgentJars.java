package dev.selfconnect.scan;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Whether a process holds a selfconnect agent jar open (a JVM keeps the jar of every agent it loaded open, also after
 * a detach), from its /proc descriptors, for the scan and the attach tool alike. Each jar is judged once by its
 * device and inode: the JVMs of one host share most of their jars (a build tool's hundreds), and opening each again
 * for every JVM made {@code list} take seconds. Only a regular file is opened, through the process's own descriptor:
 * a FIFO named x.jar, which any user can leave open in a process of theirs, would block the reader.
 */
public final class AgentJars {

    private static final String AGENT_CLASS = "dev.selfconnect.agent.SelfConnectAgent";
    private static final String JAR = ".jar";
    /** How /proc names a descriptor's file that was removed or replaced since it was opened. */
    private static final String DELETED = " (deleted)";

    private final Map<Object, Boolean> judged = new ConcurrentHashMap<Object, Boolean>();

    /**
     * @param descriptors the process's {@code /proc/PID/fd}
     * @return TRUE, FALSE, or null when the descriptors cannot be listed
     */
    public Boolean openIn(Path descriptors) {
        try (DirectoryStream<Path> links = Files.newDirectoryStream(descriptors)) {
            for (Path descriptor : links) {
                if (isAgentJar(descriptor)) {
                    return Boolean.TRUE;
                }
            }
            return Boolean.FALSE;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private boolean isAgentJar(Path descriptor) {
        try {
            String target = Files.readSymbolicLink(descriptor).toString();
            if (!target.endsWith(JAR) && !target.endsWith(JAR + DELETED)) {
                return false;
            }
            BasicFileAttributes attributes = Files.readAttributes(descriptor, BasicFileAttributes.class);
            if (!attributes.isRegularFile() || attributes.fileKey() == null) {
                return false;
            }
            Boolean known = judged.get(attributes.fileKey());
            if (known == null) {
                known = hasAgentManifest(descriptor);
                judged.put(attributes.fileKey(), known);
            }
            return known;
        } catch (IOException | RuntimeException closedMeanwhile) {
            return false;
        }
    }

    private static boolean hasAgentManifest(Path jar) {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            Manifest manifest = file.getManifest();
            return manifest != null && AGENT_CLASS.equals(manifest.getMainAttributes().getValue("Agent-Class"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
