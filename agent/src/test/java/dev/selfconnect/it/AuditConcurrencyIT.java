package dev.selfconnect.it;

import dev.selfconnect.audit.StrictJson;
import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two JVMs at once, each with 50 threads that listen and connect at the same moment, append to one audit file:
 * afterwards it holds exactly one valid JSON object per event, whatever the thread names contain.
 */
class AuditConcurrencyIT {

    private static final int THREADS = 50;

    @TempDir
    Path dir;

    @TestFactory
    List<DynamicNode> fiftyThreadsInTwoJvmsShareOneFile() {
        List<DynamicNode> tests = new ArrayList<>();
        for (Jdk jdk : ChildJvm.jdks()) {
            tests.add(DynamicTest.dynamicTest(jdk.name(), () -> run(jdk)));
        }
        return tests;
    }

    private void run(Jdk jdk) throws Exception {
        Path file = dir.resolve(jdk.name().replace(' ', '-') + " events.jsonl");
        CompletableFuture<Result> first = CompletableFuture.supplyAsync(() -> launch(jdk, file), ChildThreads.EXECUTOR);
        CompletableFuture<Result> second = CompletableFuture.supplyAsync(() -> launch(jdk, file), ChildThreads.EXECUTOR);
        List<Result> results = List.of(first.join(), second.join());

        Set<Long> pids = new HashSet<>();
        Map<Long, Set<String>> perPid = new java.util.HashMap<>();
        for (Result r : results) {
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.hasResult("connected " + THREADS), r::toString);
            assertEquals(2 * THREADS, r.agentLines("RISK").size(), r::toString);
            assertEquals(String.valueOf(2 * THREADS), AuditJvm.mbean(r, "RisksFound"), r::toString);
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(2 * 2 * THREADS, lines.size());
        for (String line : lines) {
            Map<String, Object> event = StrictJson.object(line);
            long pid = (Long) event.get("process.pid");
            pids.add(pid);
            String thread = (String) event.get("thread");
            assertTrue(thread.startsWith("worker \""), thread);
            assertTrue(thread.endsWith("\" \\ \t\u0001 \ud800 é ✓"), thread);
            String key = event.get("kind") + " " + event.get("api") + " " + thread;
            assertTrue(perPid.computeIfAbsent(pid, p -> new HashSet<>()).add(key), "twice: " + line);
        }
        assertEquals(2, pids.size(), "two JVMs wrote");
        for (Set<String> events : perPid.values()) {
            assertEquals(2 * THREADS, events.size());
        }
    }

    private static Result launch(Jdk jdk, Path file) {
        return AuditJvm.on(jdk).agent("stack-traces=false").env("SELFCONNECT_AUDIT_FILE", file.toString())
                .run("concurrent", String.valueOf(THREADS));
    }

    /** Threads of their own for the two launches: the common pool has one thread on a 2-core machine. */
    static final class ChildThreads {
        static final java.util.concurrent.ExecutorService EXECUTOR =
                java.util.concurrent.Executors.newCachedThreadPool(runnable -> {
                    Thread thread = new Thread(runnable, "child-jvm");
                    thread.setDaemon(true);
                    return thread;
                });
    }
}
