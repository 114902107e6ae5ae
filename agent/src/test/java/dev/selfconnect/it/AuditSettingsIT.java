package dev.selfconnect.it;

import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit's settings in a real JVM: risks turned off by environment variable; an audit file that cannot be written;
 * and a JVM without JFR, where everything but the JFR events works.
 */
class AuditSettingsIT {

    @TempDir
    Path dir;

    @TestFactory
    List<DynamicNode> settings() {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Jdk jdk : ChildJvm.jdks()) {
            nodes.add(DynamicContainer.dynamicContainer(jdk.name(), List.of(
                    DynamicTest.dynamicTest("risks=false keeps the self-connection, drops the risks",
                            () -> risksOff(jdk)),
                    DynamicTest.dynamicTest("an audit file that cannot be written stops the JVM",
                            () -> unwritable(jdk)),
                    jdk.atLeast(9)
                            ? DynamicTest.dynamicTest("a JVM without JFR (no jdk.jfr module)", () -> withoutJfr(jdk))
                            : DynamicTest.dynamicTest("no modules before Java 9, so no JVM without jdk.jfr: the audit"
                                    + " with JFR's classes present and no recording", () -> withoutJfr(jdk)))));
        }
        return nodes;
    }

    private void risksOff(Jdk jdk) throws Exception {
        Path events = dir.resolve(jdk.name().replace(' ', '-') + ".jsonl");
        Result r = AuditJvm.on(jdk).agent(null).env("SELFCONNECT_RISKS", "false")
                .jvmOption("-Dselfconnect.audit.file=" + events).run("exposure");

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.agentLines("INFO").get(0).endsWith(": mode=log, stack-traces=true, ignore=none, risks=false,"
                + " audit.file=" + events + ChildJvm.PROTECTS), r::toString);
        assertEquals(List.of(), r.agentLines("RISK"), r::toString);
        assertEquals(1, r.warnings().size(), r::toString);
        assertEquals("0", AuditJvm.mbean(r, "RisksFound"), r::toString);
        assertEquals("false", AuditJvm.mbean(r, "Risks"), r::toString);
        assertEquals("1", AuditJvm.mbean(r, "SelfConnections"), r::toString);
        List<String> lines = Files.readAllLines(events);
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("\"kind\":\"self-connection\""), lines::toString);
        assertTrue(r.agentLines("SUMMARY").get(0).startsWith("[selfconnect] SUMMARY 1 self-connection(s), 0 risk"
                + " finding(s), 0 SelfConnectException(s) thrown, 7 connect(s) checked; service.name="), r::toString);
    }

    private void withoutJfr(Jdk jdk) throws Exception {
        Path events = dir.resolve(jdk.name().replace(' ', '-') + "-nojfr.jsonl");
        AuditJvm jvm = AuditJvm.on(jdk).agent("audit.file=" + events + ",stack-traces=false");
        if (jdk.atLeast(9)) {
            jvm.jvmOption("--limit-modules").jvmOption("java.base,java.instrument,java.management");
        }
        Result r = jvm.run("exposure");

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.hasResult(jdk.atLeast(9) ? "jdk.jfr absent" : "jdk.jfr present"), r::toString);
        assertFalse(r.stderr().contains("ERROR"), r::toString);
        assertEquals(7, r.agentLines("RISK").size(), r::toString);
        assertEquals("7", AuditJvm.mbean(r, "RisksFound"), r::toString);
        assertEquals(8, Files.readAllLines(events).size());
    }

    private void unwritable(Jdk jdk) {
        Path file = dir.resolve("no-such-directory").resolve("events.jsonl");
        Result r = AuditJvm.on(jdk).agent("audit.file=" + file).run("exposure");

        assertEquals(1, r.exitCode(), r::toString);
        List<String> errors = r.agentLines("ERROR");
        assertEquals(1, errors.size(), r::toString);
        assertEquals("[selfconnect] ERROR invalid value '" + file + "' for selfconnect.audit.file (agent argument"
                + " audit.file=" + file + "), it cannot be written (java.nio.file.NoSuchFileException: " + file
                + "): expected a path to a file the JVM can create or append to" + ChildJvm.STOPS, errors.get(0),
                r::toString);
        assertEquals(List.of(), r.results(), "main must not run\n" + r);
    }
}
