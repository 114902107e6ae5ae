package dev.selfconnect.scan;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Whether a process holds a selfconnect agent jar open: a JVM keeps the jar of every agent it loaded open, also after
 * the agent's detach. Read from its /proc descriptors, for the scan and the attach tool alike.
 */
public final class AgentJars {

    private static final String AGENT_CLASS = "dev.selfconnect.agent.SelfConnectAgent";

    private AgentJars() {
    }

    /** @param descriptors the process's {@code /proc/PID/fd}; null when they cannot be listed */
    public static Boolean openIn(Path descriptors) {
        try (DirectoryStream<Path> links = Files.newDirectoryStream(descriptors)) {
            for (Path descriptor : links) {
                String target;
                try {
                    target = Files.readSymbolicLink(descriptor).toString();
                } catch (IOException | RuntimeException closedMeanwhile) {
                    continue;
                }
                // A jar replaced since it was opened shows as "/path/x.jar (deleted)"; it is read through the fd.
                if ((target.endsWith(".jar") || target.endsWith(".jar (deleted)")) && isAgentJar(descriptor)) {
                    return Boolean.TRUE;
                }
            }
            return Boolean.FALSE;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isAgentJar(Path jar) {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            Manifest manifest = file.getManifest();
            return manifest != null && AGENT_CLASS.equals(manifest.getMainAttributes().getValue("Agent-Class"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
