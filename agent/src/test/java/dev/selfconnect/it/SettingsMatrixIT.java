package dev.selfconnect.it;

import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import dev.selfconnect.testsupport.AgentOutput;
import dev.selfconnect.testsupport.AgentOutput.Record;
import dev.selfconnect.testsupport.AllPairs;
import dev.selfconnect.testsupport.NetworkNamespace;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every setting that changes what the agent does on a connect (mode, risks, stack-traces, ignore, audit.file), crossed
 * with the JDKs, in all pairs (every full combination of mode and risks among them): each row is one child JVM in a
 * one-port namespace that connects to 127.0.0.1:40000 through every JDK API family in turn
 * ({@code scenarios.EveryFamily}). Per family: what the application saw, the port free where the mode promises it,
 * the records on standard error and in the audit file (in the order the agent wrote them), the agent's counters from
 * its MBean, and no internal failure.
 */
class SettingsMatrixIT {

    private static final String[] MODES = {"log", "throw", "off"};
    private static final boolean[] BOOLEANS = {true, false};
    /** No entry, one that matches the target port, one that does not. */
    private static final String[] IGNORES = {"none", "127.0.0.1:40000", "40001"};
    private static final String IGNORE_MATCHING = IGNORES[1];
    private static final List<String> FAMILIES = List.of("socket", "channel-blocking", "channel-nonblocking",
            "channel-adaptor", "async-future", "async-handler", "http-url-connection", "http-client");
    private static final String SELF = "self-connection 127.0.0.1:40000 -> 127.0.0.1:40000";
    private static final Path TEST_CLASSES = Paths.get("target/test-classes").toAbsolutePath();

    /** One combination of settings on one JDK. */
    record Row(Jdk jdk, String mode, boolean risks, boolean stackTraces, String ignore, boolean auditFile,
               String first) {

        /** The families in the order the application runs them: the first one's connect is the risk finding. */
        List<String> order() {
            List<String> resettable = FAMILIES.stream().filter(f -> !f.startsWith("http")).toList();
            int start = resettable.indexOf(first);
            List<String> order = new ArrayList<>(resettable.subList(start, resettable.size()));
            order.addAll(resettable.subList(0, start));
            FAMILIES.stream().filter(f -> f.startsWith("http")).forEach(order::add);
            return order;
        }

        boolean reports() {
            return !mode.equals("off") && !ignore.equals(IGNORE_MATCHING);
        }

        boolean rejects() {
            return reports() && mode.equals("throw");
        }

        String agentArguments(Path audit) {
            // ignore last: in agent arguments its list continues after commas
            return "mode=" + mode + ",risks=" + risks + ",stack-traces=" + stackTraces + ",report-interval=0"
                    + (auditFile ? ",audit.file=" + audit : "") + (ignore.equals("none") ? "" : ",ignore=" + ignore);
        }

        @Override
        public String toString() {
            return jdk + ": mode=" + mode + " risks=" + risks + " stack-traces=" + stackTraces + " ignore=" + ignore
                    + " audit.file=" + (auditFile ? "a file" : "none") + ", " + first + " first";
        }
    }

    /**
     * The rows: first every mode with risks on and off, each with the other settings at what reports (no ignore entry,
     * an audit file), spread over the JDKs; then the rows the generator adds until every pair of values of JDK and the
     * five settings is covered.
     */
    static List<Row> rows(List<Jdk> jdks) {
        if (jdks.isEmpty()) {
            return List.of();
        }
        List<int[]> required = new ArrayList<>();
        for (int mode = 0; mode < MODES.length; mode++) {
            for (int risks = 0; risks < BOOLEANS.length; risks++) {
                int n = required.size();
                required.add(new int[] {n % jdks.size(), mode, risks, n % BOOLEANS.length, 0, 0});
            }
        }
        List<Row> rows = new ArrayList<>();
        List<String> firsts = FAMILIES.stream().filter(f -> !f.startsWith("http")).toList();
        for (int[] r : AllPairs.of(required, jdks.size(), MODES.length, BOOLEANS.length, BOOLEANS.length,
                IGNORES.length, BOOLEANS.length)) {
            // each family in turn makes the first connect, the one a risk finding names
            rows.add(new Row(jdks.get(r[0]), MODES[r[1]], BOOLEANS[r[2]], BOOLEANS[r[3]], IGNORES[r[4]],
                    BOOLEANS[r[5]], firsts.get(rows.size() % firsts.size())));
        }
        return rows;
    }

    private static List<Row> rows;

    private static synchronized List<Row> rows() {
        if (rows == null) {
            rows = rows(ChildJvm.jdks());
        }
        return rows;
    }

    @Test
    void everyModeWithRisksOnAndOffHasARowThatReports() {
        ChildJvm.require(!rows().isEmpty(), "no test JDK found", "the settings matrix has no row");
        Set<String> modeAndRisks = new LinkedHashSet<>();
        rows().stream().filter(row -> row.ignore().equals("none"))
                .forEach(row -> modeAndRisks.add(row.mode() + "/" + row.risks()));
        assertEquals(MODES.length * BOOLEANS.length, modeAndRisks.size(), modeAndRisks.toString());
    }

    // One factory per JDK: the dynamic tests of one factory run one after another, the factories in parallel.

    @TestFactory
    Stream<DynamicTest> onJdk8() {
        return rowsOn(8);
    }

    @TestFactory
    Stream<DynamicTest> onJdk11() {
        return rowsOn(11);
    }

    @TestFactory
    Stream<DynamicTest> onJdk17() {
        return rowsOn(17);
    }

    @TestFactory
    Stream<DynamicTest> onJdk21() {
        return rowsOn(21);
    }

    @TestFactory
    Stream<DynamicTest> onJdk25() {
        return rowsOn(25);
    }

    private static Stream<DynamicTest> rowsOn(int feature) {
        List<Row> mine = rows().stream().filter(row -> row.jdk().feature() == feature).toList();
        if (mine.isEmpty()) {
            return Stream.of(DynamicTest.dynamicTest("JDK " + feature + ": no row", () -> ChildJvm.require(false,
                    "JDK " + feature + " not found", "the settings matrix has no row on it")));
        }
        return mine.stream().map(row -> DynamicTest.dynamicTest(row.toString(), () -> check(row)));
    }

    private static void check(Row row) throws IOException {
        Path dir = Files.createTempDirectory("selfconnect-matrix");
        try {
            Path audit = dir.resolve("events.jsonl");
            Result result = run(row, audit);
            List<Executable> checks = new ArrayList<>();
            checks.add(() -> assertEquals(0, result.exitCode(), "exit status"));
            checks.add(() -> assertFalse(result.stderr().contains("internal failure"), "an internal failure"));
            checks.add(() -> assertEquals(List.of(), result.agentLines("ERROR"), "ERROR lines"));
            checks.add(() -> assertTrue(result.stderr().startsWith("[selfconnect] INFO selfconnect ")
                    && result.stderr().lines().findFirst().orElse("").contains(
                    row.mode().equals("off") ? " installed nothing: mode=off" : " active on Java "), "startup line"));
            List<Family> families = families(row, result);
            checks.add(() -> assertEquals(row.order(), families.stream().map(Family::name).toList(),
                    "families the application ran"));
            for (Family family : families) {
                checks.add(() -> checkOutcome(row, family));
                checks.add(() -> checkPort(row, family));
                checks.add(() -> checkCounters(row, family));
            }
            checks.add(() -> checkRecords(row, families, AgentOutput.records(result.stderr())));
            checks.add(() -> checkSummary(row, families.isEmpty() ? null : families.get(families.size() - 1).counters(),
                    result.stderr()));
            if (row.auditFile()) {
                checks.add(() -> checkAuditFile(row, families, audit));
            }
            assertAll(row + "\n" + result, checks);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Result run(Row row, Path audit) {
        List<String> command = NetworkNamespace.command(NetworkNamespace.ONE_PORT, "", List.of(
                row.jdk().java().toString(),
                "-javaagent:" + ChildJvm.AGENT_JAR.toAbsolutePath() + "=" + row.agentArguments(audit),
                "-cp", TEST_CLASSES.toString(), "dev.selfconnect.scenarios.EveryFamily", row.first()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("SELFCONNECT_"));
        return ChildJvm.run(builder);
    }

    /** What the application printed for one family, and the agent's counters since the family before. */
    record Family(String name, String outcome, String port, long[] counters, long[] delta) {

        String api() {
            return name.startsWith("socket") || name.equals("http-url-connection") ? "Socket"
                    : name.startsWith("async") ? "AsynchronousSocketChannel" : "SocketChannel";
        }

        /** The thread the connect completes on, as a pattern: the family's own, or the JDK's. */
        String thread() {
            return name.startsWith("async") ? "[^\"]+" : name.equals("http-client") ? "HttpClient-[^\"]+"
                    : Pattern.quote("matrix-" + name);
        }

        boolean onApplicationThread() {
            return !name.startsWith("async") && !name.equals("http-client");
        }

        boolean available(Jdk jdk) {
            return !name.equals("http-client") || jdk.atLeast(11);
        }

        /** HttpClient may retry a refused connect once on its own: then it self-connects twice. */
        int maxConnects() {
            return name.equals("http-client") ? 2 : 1;
        }
    }

    private static List<Family> families(Row row, Result result) {
        return AgentOutput.steps(result.stdout(), "family", row.order()).stream()
                .map(step -> new Family(step.name(), step.outcome(), step.port(), step.counters(), step.delta()))
                .toList();
    }

    private static void checkOutcome(Row row, Family family) {
        String what = family.name() + ": what the application saw";
        if (!family.available(row.jdk())) {
            assertTrue(family.outcome().startsWith("unavailable "), what + ": " + family.outcome());
        } else if (row.rejects() && family.name().equals("http-client")) {
            // HttpClient wraps the rejection as it wraps a plain refused connect: on JDK 11 with the
            // SelfConnectException as its cause, on later JDKs with the ClosedChannelException of its retry
            assertTrue(family.outcome().matches("(refused|rejected) java\\.net\\.ConnectException.*"), what + ": "
                    + family.outcome());
        } else if (row.rejects()) {
            assertTrue(family.outcome().startsWith("rejected dev.selfconnect.SelfConnectException: Connection refused: "
                    + SELF + "; "), what + ": " + family.outcome());
        } else {
            assertTrue(family.outcome().startsWith("self-connected "), what + ": " + family.outcome());
            if (family.onApplicationThread() && !family.name().startsWith("http")
                    || family.name().startsWith("async")) {
                assertTrue(family.outcome().contains("local=127.0.0.1:40000 remote=127.0.0.1:40000"),
                        what + ": " + family.outcome());
            }
        }
    }

    /**
     * Throw mode promises the port free at once; the application resets the connections it gets itself, except the
     * HTTP clients' (they close as they do).
     */
    private static void checkPort(Row row, Family family) {
        if (row.rejects() || !family.name().startsWith("http")) {
            assertEquals("free", family.port(), family.name() + ": the port after the family");
        }
    }

    private static void checkCounters(Row row, Family family) {
        String what = family.name() + ": the agent's counters (checks, self-connections, exceptions, risks,"
                + " internal failures) " + Arrays.toString(family.counters()) + ", since the family before "
                + Arrays.toString(family.delta());
        if (row.mode().equals("off")) {
            assertEquals(null, family.counters(), what + ": no MBean with mode=off");
            return;
        }
        if (family.counters() == null) {
            fail(what + ": no MBean");
        }
        long[] delta = family.delta();
        long checks = delta[0];
        if (family.available(row.jdk())) {
            assertTrue(checks >= 1 && checks <= family.maxConnects(), what + ": connects checked");
        } else {
            assertEquals(0, checks, what + ": connects checked");
        }
        assertEquals(row.reports() ? checks : 0, delta[1], what + ": self-connections");
        assertEquals(row.rejects() ? checks : 0, delta[2], what + ": exceptions thrown");
        // the first family's connect, then the port check's listener (each endpoint is a finding once)
        assertEquals(row.risks() && row.reports() && family.name().equals(row.first()) ? 2 : 0, delta[3],
                what + ": risk findings");
        assertEquals(0, family.counters()[4], what + ": internal failures");
    }

    /** The records each family should make, matched in order against those written. */
    private static void checkRecords(Row row, List<Family> families, List<Record> records) {
        int next = 0;
        for (Family family : families) {
            if (!row.reports() || !family.available(row.jdk())) {
                continue;
            }
            String warn = "\\[selfconnect\\] WARN " + Pattern.quote(SELF) + " via " + family.api() + " on thread \""
                    + family.thread() + "\": .*" + Pattern.quote(row.rejects()
                    ? "; reset the connection and threw SelfConnectException (mode=throw)"
                    : "; the connection was left open (mode=log)");
            int matched = 0;
            while (matched < family.maxConnects() && next < records.size()
                    && records.get(next).head().matches(warn)) {
                checkFrames(row, family, records.get(next));
                matched++;
                next++;
            }
            if (matched == 0) {
                fail(family.name() + ": expected record " + warn + "\nat record " + next + " of " + records);
            }
            if (row.risks() && family.name().equals(row.first())) {
                String[] risks = {
                    "\\[selfconnect\\] RISK connect to 127\\.0\\.0\\.1:40000 via " + family.api() + " on thread \""
                            + family.thread() + "\": .*",
                    "\\[selfconnect\\] RISK ServerSocket listens on 127\\.0\\.0\\.1:40000 \\(thread \"main\"\\): .*"};
                List<List<String>> bodies = List.of(List.of("\t(frames as in the self-connection record above)"),
                        List.of("\tat dev.selfconnect.scenarios.EveryFamily.portFree"));
                for (int i = 0; i < risks.length; i++) {
                    if (next >= records.size() || !records.get(next).head().matches(risks[i])) {
                        fail(family.name() + ": expected record " + risks[i] + "\nat record " + next + " of "
                                + records);
                    }
                    List<String> body = records.get(next).body();
                    if (!row.stackTraces()) {
                        assertEquals(List.of(), body, "stack-traces=false: " + records.get(next));
                    } else {
                        String expected = bodies.get(i).get(0);
                        assertTrue(!body.isEmpty() && body.get(0).startsWith(expected), "expected " + expected
                                + " first: " + records.get(next));
                    }
                    next++;
                }
            }
        }
        assertEquals(next, records.size(), "records beyond those expected: " + records.subList(next,
                records.size()));
    }

    private static void checkFrames(Row row, Family family, Record record) {
        if (!row.stackTraces()) {
            assertEquals(List.of(), record.body(), family.name() + ": stack-traces=false, yet frames: " + record);
        } else if (family.onApplicationThread()) {
            assertTrue(!record.body().isEmpty()
                    && record.body().get(0).startsWith("\tat dev.selfconnect.scenarios.EveryFamily."),
                    family.name() + ": the application's frames first: " + record);
        } else {
            assertEquals(List.of("\t(no application frames: the JDK did this on its own thread)"), record.body(),
                    family.name() + ": " + record);
        }
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


    /** The JSON lines' kinds and APIs, in the order the family records were written. */
    private static void checkAuditFile(Row row, List<Family> families, Path audit) throws IOException {
        List<String> lines = Files.exists(audit) ? Files.readAllLines(audit, StandardCharsets.UTF_8) : List.of();
        List<String> events = AgentOutput.auditEvents(lines);
        int next = 0;
        for (Family family : families) {
            if (!row.reports() || !family.available(row.jdk())) {
                continue;
            }
            int matched = 0;
            while (matched < family.maxConnects() && next < events.size()
                    && events.get(next).equals("self-connection " + family.api())) {
                matched++;
                next++;
            }
            if (matched == 0) {
                fail(family.name() + ": expected event self-connection " + family.api() + " at " + next + " of "
                        + events);
            }
            if (row.risks() && family.name().equals(row.first())) {
                for (String risk : List.of("risk-connect " + family.api(), "risk-listen ServerSocket")) {
                    if (next >= events.size() || !events.get(next).equals(risk)) {
                        fail(family.name() + ": expected event " + risk + " at " + next + " of " + events);
                    }
                    next++;
                }
            }
        }
        assertEquals(next, events.size(), "audit events beyond those expected: " + events);
    }
}
