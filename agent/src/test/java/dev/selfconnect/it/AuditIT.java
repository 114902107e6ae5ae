package dev.selfconnect.it;

import dev.selfconnect.audit.StrictJson;
import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A service exposed in every way, in one JVM per JDK with the real agent in a namespace with real ranges (40000-40999,
 * 40001 reserved): the RISK records with their fix, none for the reserved port, the port outside the range or the
 * port-0 listener; the same events in the JSON Lines file and in a real JFR recording; the MBean's counters as the
 * application reads them from the platform MBean server, equal to what the log says; the summary at exit.
 */
class AuditIT {

    private static final String FIX = "reserve it with 'sysctl -w net.ipv4.ip_local_reserved_ports=40001,%d'"
            + " (persist it in /etc/sysctl.d), or move it out of 40000-40999";

    @TempDir
    Path dir;

    @TestFactory
    List<DynamicNode> anExposedService() {
        List<DynamicNode> tests = new ArrayList<>();
        for (Jdk jdk : ChildJvm.jdks()) {
            tests.add(DynamicTest.dynamicTest(jdk.name(), () -> exposedService(jdk)));
        }
        return tests;
    }

    private void exposedService(Jdk jdk) throws Exception {
        Path events = dir.resolve(jdk.name().replace(' ', '-') + ".jsonl");
        Path recording = dir.resolve(jdk.name().replace(' ', '-') + ".jfr");
        Result r = AuditJvm.on(jdk)
                .agent("audit.file=" + events)
                .jvmOption("-XX:StartFlightRecording=filename=" + recording + ",dumponexit=true")
                .run("exposure");

        assertEquals(0, r.exitCode(), r::toString);
        assertFalse(r.stderr().contains("ERROR"), r::toString);
        assertTrue(r.hasResult("self-connected 40990 -> 40990"), r::toString);
        assertTrue(r.agentLines("INFO").get(0).endsWith(": mode=log, stack-traces=true, ignore=none, audit.file="
                + events + ChildJvm.PROTECTS), r::toString);

        // The log: one RISK record per endpoint, with the fix; nothing for 40001 (reserved), 5555, or port 0.
        List<String> risks = r.agentLines("RISK");
        Set<String> expected = Set.of(
                "ServerSocket listens on 127.0.0.1:40005", "ServerSocketChannel listens on 127.0.0.1:40006",
                "AsynchronousServerSocketChannel listens on 127.0.0.1:40007",
                "connect to 127.0.0.1:40005 via Socket", "connect to 127.0.0.1:40006 via SocketChannel",
                "connect to 127.0.0.1:40007 via AsynchronousSocketChannel", "connect to 127.0.0.1:40990 via Socket");
        assertEquals(expected, risks.stream().map(l -> l.substring("[selfconnect] RISK ".length()))
                .map(l -> l.substring(0, l.indexOf(l.contains(" listens on ") ? " (thread" : " on thread")))
                .collect(Collectors.toSet()), r::toString);
        for (String risk : risks) {
            int port = Integer.parseInt(risk.replaceAll(".*127\\.0\\.0\\.1:(\\d+).*", "$1"));
            assertTrue(risk.endsWith(String.format(FIX, port)), risk);
            assertTrue(risk.contains("lies in the ephemeral port range 40000-40999"), risk);
        }
        assertFalse(r.stderr().contains(":40001"), r::toString);
        assertFalse(r.stderr().contains(":5555"), r::toString);
        assertEquals(1, r.warnings().size(), r::toString);
        assertTrue(r.warnings().get(0).contains("self-connection 127.0.0.1:40990 -> 127.0.0.1:40990 via Socket"));
        assertTrue(r.stderr().contains("\tat dev.selfconnect.scenarios.AuditScenarios.exposure("), r::toString);

        // The summary at exit: counts, endpoints, one fix for all.
        List<String> summary = r.agentLines("SUMMARY");
        assertTrue(summary.get(0).startsWith("[selfconnect] SUMMARY 1 self-connection(s), 7 risk finding(s),"
                + " 0 SelfConnectException(s) thrown, 7 connect(s) checked; service.name=dev.selfconnect.scenarios"
                + ".AuditScenarios host.name="), r::toString);
        assertTrue(summary.contains("[selfconnect] SUMMARY   listen 127.0.0.1:40005 (ServerSocket)"), r::toString);
        assertTrue(summary.contains("[selfconnect] SUMMARY   self-connection 127.0.0.1:40990 (Socket)"),
                r::toString);
        assertEquals("[selfconnect] SUMMARY fix: reserve them with 'sysctl -w net.ipv4.ip_local_reserved_ports="
                + "40001,40005-40007,40990' (persist it in /etc/sysctl.d), or move them out of 40000-40999",
                summary.get(summary.size() - 1), r::toString);

        // JMX: what the application reads from the platform MBean server matches the log.
        assertEquals("7", AuditJvm.mbean(r, "Checks"), r::toString);
        assertEquals(String.valueOf(r.warnings().size()), AuditJvm.mbean(r, "SelfConnections"));
        assertEquals("0", AuditJvm.mbean(r, "ExceptionsThrown"));
        assertEquals(String.valueOf(risks.size()), AuditJvm.mbean(r, "RisksFound"));
        assertEquals("log", AuditJvm.mbean(r, "Mode"));
        assertEquals("true", AuditJvm.mbean(r, "Risks"));
        assertEquals(events.toString(), AuditJvm.mbean(r, "AuditFile"));
        assertTrue(AuditJvm.mbean(r, "EndpointsAtRisk").contains("connect 127.0.0.1:40007 (AsynchronousSocketChannel)"));

        // The JSON Lines file: one valid object per event, owner-only.
        List<String> lines = Files.readAllLines(events);
        assertEquals(risks.size() + 1, lines.size(), String.join("\n", lines));
        List<Map<String, Object>> objects = lines.stream().map(StrictJson::object).toList();
        assertEquals(Map.of("risk-listen", 3L, "risk-connect", 4L, "self-connection", 1L), objects.stream()
                .collect(Collectors.groupingBy(o -> (String) o.get("kind"), Collectors.counting())));
        for (Map<String, Object> object : objects) {
            Set<String> keys = new TreeSet<>(object.keySet());
            keys.remove("container.id"); // where the tests run in a container
            assertEquals(new TreeSet<>(Set.of("time", "kind", "local", "remote", "api", "thread", "service.name",
                    "host.name", "process.pid", "process.creation.time", "selfconnect.version", "message", "fix",
                    "frames")), keys);
            assertNotNull(object.get("process.pid"));
            assertEquals("dev.selfconnect.scenarios.AuditScenarios", object.get("service.name"));
        }
        Map<String, Object> self = objects.stream().filter(o -> o.get("kind").equals("self-connection"))
                .findFirst().orElseThrow();
        assertEquals(40990L, ((Map<?, ?>) self.get("remote")).get("port"));
        assertEquals(40990L, ((Map<?, ?>) self.get("local")).get("port"));
        assertEquals("main", self.get("thread"));
        assertTrue(((List<?>) self.get("frames")).get(0).toString()
                .startsWith("dev.selfconnect.scenarios.AuditScenarios.exposure("), self::toString);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(events)));

        // JFR: the recording holds the same events.
        List<RecordedEvent> recorded = RecordingFile.readAllEvents(recording);
        Set<String> jfr = new TreeSet<>();
        for (RecordedEvent event : recorded) {
            String type = event.getEventType().getName();
            if (type.startsWith("dev.selfconnect.")) {
                jfr.add(type + " " + event.getString("kind") + " " + event.getString("api") + " "
                        + (event.getString("kind").equals("risk-listen") ? event.getInt("localPort")
                        : event.getInt("remotePort")));
            }
        }
        assertEquals(new TreeSet<>(Set.of(
                "dev.selfconnect.RiskFinding risk-listen ServerSocket 40005",
                "dev.selfconnect.RiskFinding risk-listen ServerSocketChannel 40006",
                "dev.selfconnect.RiskFinding risk-listen AsynchronousServerSocketChannel 40007",
                "dev.selfconnect.RiskFinding risk-connect Socket 40005",
                "dev.selfconnect.RiskFinding risk-connect SocketChannel 40006",
                "dev.selfconnect.RiskFinding risk-connect AsynchronousSocketChannel 40007",
                "dev.selfconnect.RiskFinding risk-connect Socket 40990",
                "dev.selfconnect.SelfConnection self-connection Socket 40990")), jfr);
    }
}
