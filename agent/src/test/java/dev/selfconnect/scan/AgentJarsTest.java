package dev.selfconnect.scan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** On this JVM's own descriptors: what it holds open decides, and nothing it holds open can block the reader. */
class AgentJarsTest {

    private static final Path OWN_DESCRIPTORS = Paths.get("/proc/self/fd");
    private static final Duration NEVER_BLOCKED = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void aFifoNamedLikeAJarIsPassedOverNotOpened() throws Exception {
        Path fifo = dir.resolve("planted.jar");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        // Another process holds the FIFO open for reading with no writer left: opening it again for reading, through
        // that process's descriptor, waits for a writer for ever.
        Process holder = new ProcessBuilder("sh", "-c", "exec 3<\"$0\"; exec sleep 60", fifo.toString()).start();
        try {
            new FileOutputStream(fifo.toFile()).close();
            Path descriptors = Paths.get("/proc", Long.toString(holder.pid()), "fd");
            waitUntilHeld(descriptors, fifo);
            Boolean open = assertTimeoutPreemptively(NEVER_BLOCKED, () -> new AgentJars().openIn(descriptors));
            assertEquals(Boolean.FALSE, open);
        } finally {
            holder.destroyForcibly();
        }
    }

    private static void waitUntilHeld(Path descriptors, Path file) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (DirectoryStream<Path> links = Files.newDirectoryStream(descriptors)) {
                for (Path link : links) {
                    if (Files.readSymbolicLink(link).equals(file)) {
                        return;
                    }
                }
            } catch (IOException notYet) {
                // the process is still starting
            }
            Thread.sleep(50);
        }
        throw new AssertionError(file + " is not held open in " + descriptors);
    }

    @Test
    void aJarWhoseManifestNamesTheAgentHeldOpenIsFound() throws Exception {
        Path jar = dir.resolve("renamed-by-a-deploy.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Agent-Class", "dev.selfconnect.agent.SelfConnectAgent");
        new JarOutputStream(new FileOutputStream(jar.toFile()), manifest).close();
        AgentJars jars = new AgentJars();

        try (FileInputStream held = new FileInputStream(jar.toFile())) {
            assertEquals(Boolean.TRUE, jars.openIn(OWN_DESCRIPTORS));
        }
        assertEquals(Boolean.FALSE, new AgentJars().openIn(OWN_DESCRIPTORS));
    }

    @Test
    void descriptorsThatCannotBeListedAreUnknown() {
        assertEquals(null, new AgentJars().openIn(dir.resolve("no-such-process/fd")));
    }
}
