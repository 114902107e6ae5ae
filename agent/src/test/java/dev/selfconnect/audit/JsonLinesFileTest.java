package dev.selfconnect.audit;

import dev.selfconnect.vocabulary.EventKind;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real file, appended to by many threads through two writers at once (as two JVMs would). */
class JsonLinesFileTest {

    @TempDir
    Path dir;

    @Test
    void manyThreadsAndTwoWritersAppendWholeLines() throws Exception {
        Path path = dir.resolve("events.jsonl");
        JsonLinesFile first = new JsonLinesFile(path.toString());
        JsonLinesFile second = new JsonLinesFile(path.toString());
        int threads = 16;
        int perThread = 50;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            JsonLinesFile writer = t % 2 == 0 ? first : second;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        writer.publish(new AuditEvent(EventKind.RISK_CONNECT, InetAddress.getLoopbackAddress(),
                                41000 + i, InetAddress.getLoopbackAddress(), 40000 + id, "Socket",
                                "worker " + id + " \"" + i + "\"", new String[] {"x".repeat(3000)}, "m", "f", null));
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        first.close();
        second.close();

        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        assertEquals(threads * perThread, lines.size());
        Set<String> threadNames = new HashSet<>();
        for (String line : lines) {
            Map<String, Object> event = StrictJson.object(line);
            threadNames.add((String) event.get("thread"));
        }
        assertEquals(threads * perThread, threadNames.size(), "every event exactly once");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
    }

    @Test
    void anExistingFileIsAppendedTo() throws Exception {
        Path path = dir.resolve("existing.jsonl");
        Files.writeString(path, "{\"earlier\":true}\n");
        JsonLinesFile file = new JsonLinesFile(path.toString());

        file.publish(new AuditEvent(EventKind.RISK_LISTEN, InetAddress.getLoopbackAddress(), 40005, null, 0,
                "ServerSocket", "main", new String[0], "m", "f", null));
        file.close();

        List<String> lines = Files.readAllLines(path);
        assertEquals(2, lines.size());
        assertEquals("{\"earlier\":true}", lines.get(0));
        assertTrue(lines.get(1).contains("\"kind\":\"risk-listen\""));
    }

    @Test
    void afterRotationByRenameAndByDeletionLinesGoToANewOwnerOnlyFile() throws Exception {
        Path path = dir.resolve("rotated.jsonl");
        Path renamed = dir.resolve("rotated.jsonl.1");
        JsonLinesFile file = new JsonLinesFile(path.toString());

        file.publish(event(40005));
        Files.move(path, renamed);
        file.publish(event(40006));
        file.publish(event(40007));
        Files.delete(path);
        file.publish(event(40008));
        file.close();

        assertEquals(1, Files.readAllLines(renamed).size());
        List<String> lines = Files.readAllLines(path);
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("40008"), lines::toString);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
    }

    @Test
    void aPathThatBecameALinkIsNotWrittenThroughAndEventsAreCountedUntilItIsFreeAgain() throws Exception {
        Path path = dir.resolve("events.jsonl");
        Path target = dir.resolve("chosen");
        JsonLinesFile file = new JsonLinesFile(path.toString());
        file.publish(event(40005));
        long before = JsonLinesFile.eventsNotWritten();

        Files.delete(path);
        Files.createSymbolicLink(path, target);
        file.publish(event(40006));
        file.publish(event(40007));

        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
        assertEquals(2, JsonLinesFile.eventsNotWritten() - before);

        Files.delete(path);
        file.publish(event(40008));
        file.close();
        assertEquals(1, Files.readAllLines(path).size());
        assertEquals(2, JsonLinesFile.eventsNotWritten() - before);
    }

    @Test
    void anInterruptedApplicationThreadKeepsItsInterruptAndTheFileStaysOpen() throws Exception {
        Path path = dir.resolve("events.jsonl");
        JsonLinesFile file = new JsonLinesFile(path.toString());
        try {
            Thread.currentThread().interrupt();
            file.publish(event(40005));
            assertTrue(Thread.interrupted(), "the application's interrupt is still set");
            file.publish(event(40006));
        } finally {
            Thread.interrupted();
            file.close();
        }
        assertEquals(2, Files.readAllLines(path).size());
    }

    private static AuditEvent event(int port) {
        return new AuditEvent(EventKind.RISK_LISTEN, InetAddress.getLoopbackAddress(), port, null, 0,
                "ServerSocket", "main", new String[0], "m", "f", null);
    }
}
