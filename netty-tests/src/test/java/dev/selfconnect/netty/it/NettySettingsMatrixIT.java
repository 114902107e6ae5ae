package dev.selfconnect.netty.it;

import dev.selfconnect.netty.it.NettyJvm.Jdk;
import dev.selfconnect.netty.it.NettyJvm.Result;
import dev.selfconnect.testsupport.AgentOutput;
import dev.selfconnect.testsupport.AgentOutput.Record;
import dev.selfconnect.testsupport.AllPairs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The settings matrix of the agent module's SettingsMatrixIT over Netty's native transports: mode, risks,
 * stack-traces, ignore and audit.file crossed with the JDKs Netty's tests run on in full, in all pairs (log and throw
 * with risks on and off, reporting, first). Each row is one child JVM ({@code scenarios.EveryTransport}) that connects to
 * 127.0.0.1:40000 through Netty 4.2's epoll, its io_uring, then gRPC over grpc-netty-shaded's relocated epoll. Per
 * transport: what the application saw, the port free where the mode promises it, the records on standard error and in
 * the audit file in order, the agent's counters from its MBean, no internal failure.
 */
class NettySettingsMatrixIT {

    private static final String[] MODES = {"log", "throw", "off"};
    private static final boolean[] BOOLEANS = {true, false};
    private static final String[] IGNORES = {"none", "127.0.0.1:40000", "40001"};
    private static final String IGNORE_MATCHING = IGNORES[1];
    private static final List<String> TRANSPORTS = List.of("epoll", "io_uring", "grpc-netty-shaded");
    private static final String SELF = "self-connection 127.0.0.1:40000 -> 127.0.0.1:40000";
    /** Child JVMs at once: the dynamic tests of one factory run one after another, so the rows are started ahead. */
    private static final int PARALLEL_ROWS = 3;

    record Row(Jdk jdk, String mode, boolean risks, boolean stackTraces, String ignore, boolean auditFile) {

        boolean reports() {
            return !mode.equals("off") && !ignore.equals(IGNORE_MATCHING);
        }

        boolean rejects() {
            return reports() && mode.equals("throw");
        }

        String agentArguments(Path audit) {
            return "mode=" + mode + ",risks=" + risks + ",stack-traces=" + stackTraces + ",report-interval=0"
                    + (auditFile ? ",audit.file=" + audit : "") + (ignore.equals("none") ? "" : ",ignore=" + ignore);
        }

        @Override
        public String toString() {
            return jdk + ": mode=" + mode + " risks=" + risks + " stack-traces=" + stackTraces + " ignore=" + ignore
                    + " audit.file=" + (auditFile ? "a file" : "none");
        }
    }

    static List<Row> rows(List<Jdk> jdks) {
        int[] sizes = {jdks.size(), MODES.length, BOOLEANS.length, BOOLEANS.length, IGNORES.length, BOOLEANS.length};
        List<int[]> required = new ArrayList<>();
        // log and throw with risks on and off, reporting; mode=off's pairs with risks come from the generator
        for (int mode = 0; mode < MODES.length - 1; mode++) {
            for (int risks = 0; risks < BOOLEANS.length; risks++) {
                int n = required.size();
                required.add(new int[] {n % jdks.size(), mode, risks, n % BOOLEANS.length, 0, 0});
            }
        }
        List<int[]> generated = AllPairs.of(required, sizes);
        assertEveryPairCovered(sizes, generated);
        List<Row> rows = new ArrayList<>();
        for (int[] r : generated) {
            rows.add(new Row(jdks.get(r[0]), MODES[r[1]], BOOLEANS[r[2]], BOOLEANS[r[3]], IGNORES[r[4]],
                    BOOLEANS[r[5]]));
        }
        return rows;
    }

    /** The copy of the generator is checked here on the rows it made. */
    private static void assertEveryPairCovered(int[] sizes, List<int[]> rows) {
        for (int a = 0; a < sizes.length; a++) {
            for (int b = a + 1; b < sizes.length; b++) {
                for (int x = 0; x < sizes[a]; x++) {
                    for (int y = 0; y < sizes[b]; y++) {
                        int ax = a, bx = b, xv = x, yv = y;
                        assertTrue(rows.stream().anyMatch(r -> r[ax] == xv && r[bx] == yv),
                                "pair (" + a + "=" + x + ", " + b + "=" + y + ") missing");
                    }
                }
            }
        }
    }

    private record Run(Result result, List<String> auditLines) {
    }

    @TestFactory
    Stream<DynamicTest> everySettingsPairOnEveryTransport() {
        List<Jdk> jdks = NettyJvm.jdks();
        if (jdks.isEmpty()) {
            return Stream.of(DynamicTest.dynamicTest("no test JDK found", () -> {
                assertFalse(NettyJvm.CI, "no test JDK found, and CI=true: the settings matrix has no row");
                Assumptions.abort("no test JDK found: the settings matrix has no row");
            }));
        }
        List<Row> rows = rows(jdks);
        Set<String> modeAndRisks = new LinkedHashSet<>();
        rows.stream().filter(row -> row.reports() || row.mode().equals("off"))
                .forEach(row -> modeAndRisks.add(row.mode() + "/" + row.risks()));
        assertEquals(MODES.length * BOOLEANS.length, modeAndRisks.size(), modeAndRisks.toString());
        NettyJvm.requireNamespaces();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_ROWS);
        List<CompletableFuture<Run>> runs = new ArrayList<>();
        for (Row row : rows) {
            runs.add(CompletableFuture.supplyAsync(() -> run(row), pool));
        }
        pool.shutdown();
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            CompletableFuture<Run> run = runs.get(i);
            tests.add(DynamicTest.dynamicTest(row.toString(), () -> check(row, run.join())));
        }
        return tests.stream();
    }

    private static Run run(Row row) {
        try {
            Path dir = Files.createTempDirectory("selfconnect-netty-matrix");
            try {
                Path audit = dir.resolve("events.jsonl");
                Result result = NettyJvm.run(row.jdk(), row.agentArguments(audit), NettyJvm.classPath("netty42"),
                        "dev.selfconnect.netty.scenarios.EveryTransport", NettyJvm.grpcClassPath());
                return new Run(result, Files.exists(audit) ? Files.readAllLines(audit, StandardCharsets.UTF_8)
                        : List.of());
            } finally {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void check(Row row, Run run) {
        Result result = run.result();
        NettyJvm.requireAvailable(result);
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> assertEquals(0, result.exitCode(), "exit status"));
        checks.add(() -> assertFalse(result.stderr().contains("internal failure"), "an internal failure"));
        checks.add(() -> assertEquals(List.of(), result.errors(), "ERROR lines"));
        List<Transport> transports = transports(result);
        checks.add(() -> assertEquals(TRANSPORTS, transports.stream().map(Transport::name).toList(),
                "transports the application ran"));
        for (Transport transport : transports) {
            checks.add(() -> checkOutcome(row, transport));
            checks.add(() -> checkPort(row, transport));
            checks.add(() -> checkCounters(row, transport));
        }
        checks.add(() -> checkRecords(row, transports, AgentOutput.records(result.stderr())));
        checks.add(() -> checkSummary(row, transports.isEmpty() ? null
                : transports.get(transports.size() - 1).counters(), result.stderr()));
        if (row.auditFile()) {
            checks.add(() -> checkAuditFile(row, transports, run.auditLines()));
        }
        assertAll(row + "\n" + result, checks);
    }

    record Transport(String name, String outcome, String port, long[] counters, long[] delta) {

        String api() {
            return name.equals("io_uring") ? "Netty io_uring" : "Netty epoll";
        }

        /** gRPC may connect again after a failed connect (its own reconnect) before the call gives up. */
        int maxConnects() {
            return name.equals("grpc-netty-shaded") ? 3 : 1;
        }
    }

    private static List<Transport> transports(Result result) {
        return AgentOutput.steps(result.stdout(), "transport", TRANSPORTS).stream()
                .map(step -> new Transport(step.name(), step.outcome(), step.port(), step.counters(), step.delta()))
                .toList();
    }

    private static void checkOutcome(Row row, Transport transport) {
        String what = transport.name() + ": what the application saw: " + transport.outcome();
        boolean grpc = transport.name().equals("grpc-netty-shaded");
        if (row.rejects()) {
            assertTrue(transport.outcome().startsWith(grpc ? "rejected status=UNAVAILABLE "
                    : "rejected dev.selfconnect.SelfConnectException: Connection refused: " + SELF + "; "), what);
        } else {
            // gRPC reads its own HTTP/2 preface back: a protocol error, not UNAVAILABLE
            assertTrue(transport.outcome().startsWith(grpc ? "self-connected status="
                    : "self-connected local=127.0.0.1:40000 remote=127.0.0.1:40000"), what);
        }
    }

    /**
     * Throw mode promises the port free; the application resets what it gets itself, except gRPC's connection. Not
     * checked for gRPC: in about one run in six its port is in TIME_WAIT (/proc/net/tcp6, ::ffff:127.0.0.1:40000 to
     * itself) while the agent checked one gRPC connect only: gRPC's own reconnect self-connects in the kernel while the
     * scenario shuts the channel down, which closes it before Netty completes the connect, so no hook sees it. The
     * scenario prints the bind's error, the kernel's tables and how long the port stayed busy.
     */
    private static void checkPort(Row row, Transport transport) {
        if (!transport.name().equals("grpc-netty-shaded")) {
            assertEquals("free", transport.port(), transport.name() + ": the port after the transport");
        }
    }

    private static void checkCounters(Row row, Transport transport) {
        String what = transport.name() + ": the agent's counters (checks, self-connections, exceptions, risks,"
                + " internal failures) " + Arrays.toString(transport.counters()) + ", since the transport before "
                + Arrays.toString(transport.delta());
        if (row.mode().equals("off")) {
            assertNull(transport.counters(), what + ": no MBean with mode=off");
            return;
        }
        if (transport.counters() == null) {
            fail(what + ": no MBean");
        }
        long[] delta = transport.delta();
        long checks = delta[0];
        assertTrue(checks >= 1 && checks <= transport.maxConnects(), what + ": connects checked");
        assertEquals(row.reports() ? checks : 0, delta[1], what + ": self-connections");
        assertEquals(row.rejects() ? checks : 0, delta[2], what + ": exceptions thrown");
        assertEquals(row.risks() && row.reports() && transport.name().equals("epoll") ? 2 : 0, delta[3],
                what + ": risk findings");
        assertEquals(0, transport.counters()[4], what + ": internal failures");
    }

    private static void checkRecords(Row row, List<Transport> transports, List<Record> records) {
        int next = 0;
        for (Transport transport : transports) {
            if (!row.reports()) {
                continue;
            }
            String warn = "\\[selfconnect\\] WARN " + Pattern.quote(SELF) + " via " + transport.api()
                    + " on thread \"[^\"]+\": .*" + Pattern.quote(row.rejects()
                    ? "; reset the connection and threw SelfConnectException (mode=throw)"
                    : "; the connection was left open (mode=log)");
            int matched = 0;
            while (matched < transport.maxConnects() && next < records.size()
                    && records.get(next).head().matches(warn)) {
                // an event loop's connect: no application frames, and the record says so unless they are off
                assertEquals(row.stackTraces()
                        ? List.of("\t(no application frames: the JDK did this on its own thread)") : List.of(),
                        records.get(next).body(), transport.name() + ": " + records.get(next));
                matched++;
                next++;
            }
            if (matched == 0) {
                fail(transport.name() + ": expected record " + warn + "\nat record " + next + " of " + records);
            }
            if (row.risks() && transport.name().equals("epoll")) {
                String[] risks = {
                    "\\[selfconnect\\] RISK connect to 127\\.0\\.0\\.1:40000 via Netty epoll on thread \"[^\"]+\": .*",
                    "\\[selfconnect\\] RISK ServerSocket listens on 127\\.0\\.0\\.1:40000 \\(thread \"main\"\\): .*"};
                for (String risk : risks) {
                    if (next >= records.size() || !records.get(next).head().matches(risk)) {
                        fail(transport.name() + ": expected record " + risk + "\nat record " + next + " of "
                                + records);
                    }
                    if (!row.stackTraces()) {
                        assertEquals(List.of(), records.get(next).body(), "stack-traces=false: " + records.get(next));
                    }
                    next++;
                }
            }
        }
        assertEquals(next, records.size(), "records beyond those expected: " + records.subList(next,
                records.size()));
    }

    /**
     * The summary at exit: its counts are the MBean's at the end, with no internal failure; none where nothing was
     * found.
     */
    private static void checkSummary(Row row, long[] counters, String stderr) {
        List<String> summary = AgentOutput.summary(stderr);
        if (!row.reports()) {
            assertEquals(List.of(), summary, "no summary when nothing was found");
            return;
        }
        assertTrue(counters != null && !summary.isEmpty(), "a summary: " + summary);
        assertEquals(AgentOutput.summaryCounts(counters), AgentOutput.withoutIdentity(summary.get(0)),
                "the summary's counts, as the MBean's");
    }


    private static void checkAuditFile(Row row, List<Transport> transports, List<String> lines) {
        List<String> events = AgentOutput.auditEvents(lines);
        int next = 0;
        for (Transport transport : transports) {
            if (!row.reports()) {
                continue;
            }
            int matched = 0;
            while (matched < transport.maxConnects() && next < events.size()
                    && events.get(next).equals("self-connection " + transport.api())) {
                matched++;
                next++;
            }
            if (matched == 0) {
                fail(transport.name() + ": expected event self-connection " + transport.api() + " at " + next
                        + " of " + events);
            }
            if (row.risks() && transport.name().equals("epoll")) {
                for (String risk : List.of("risk-connect Netty epoll", "risk-listen ServerSocket")) {
                    if (next >= events.size() || !events.get(next).equals(risk)) {
                        fail(transport.name() + ": expected event " + risk + " at " + next + " of " + events);
                    }
                    next++;
                }
            }
        }
        assertEquals(next, events.size(), "audit events beyond those expected: " + events);
    }
}
