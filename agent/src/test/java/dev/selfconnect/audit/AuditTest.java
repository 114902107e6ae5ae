package dev.selfconnect.audit;

import dev.selfconnect.testing.Stderr;
import dev.selfconnect.config.Settings;
import dev.selfconnect.config.SettingsLoader;
import dev.selfconnect.reporting.AgentStatistics;
import dev.selfconnect.vocabulary.KernelPortFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The risk rules end to end in this JVM: kernel files written for real, the audit file written for real. Findings are
 * kept per JVM, so each test uses its own ports.
 */
class AuditTest {

    @TempDir
    Path dir;

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private Audit audit(String arguments, AgentStatistics statistics) throws Exception {
        Path proc = Files.createDirectories(dir.resolve("proc"));
        Files.writeString(proc.resolve("ip_local_port_range"), "40000 40999\n");
        Files.writeString(proc.resolve("ip_local_reserved_ports"), "40001\n");
        Settings settings = SettingsLoader.load(arguments, new Properties(), Map.of());
        return AuditTesting.audit(settings, statistics, proc);
    }

    @Test
    void aConnectToALocalPortAtRiskIsReportedOnceWithTheFix() throws Exception {
        AgentStatistics statistics = new AgentStatistics();
        Audit audit = audit("stack-traces=false", statistics);

        String err = Stderr.capture(() -> {
            for (int i = 0; i < 3; i++) {
                assertTrue(audit.mayBeAtRisk(40200, 40500));
                audit.connectedToPortAtRisk(LOOPBACK, 40777, LOOPBACK, 40200, "Socket");
            }
        });

        assertEquals(1, statistics.risks());
        assertEquals(List.of("[selfconnect] RISK connect to 127.0.0.1:40200 via Socket on thread \""
                + Thread.currentThread().getName() + "\": port 40200 lies in the ephemeral port range 40000-40999"
                + " (net.ipv4.ip_local_port_range) and is not reserved, so this client connects to itself whenever"
                + " nothing listens there; reserve it with 'sysctl -w net.ipv4.ip_local_reserved_ports=40001,40200'"
                + " (persist it in /etc/sysctl.d), or move it out of 40000-40999"), err.lines().toList());
    }

    @Test
    void aReservedPortAPortOutsideTheRangeAndARemoteHostAreNotRisks() throws Exception {
        AgentStatistics statistics = new AgentStatistics();
        Audit audit = audit(null, statistics);

        String err = Stderr.capture(() -> {
            assertFalse(audit.mayBeAtRisk(40001, 40500));
            assertFalse(audit.mayBeAtRisk(5555, 40500));
            audit.listening(LOOPBACK, 40001, "ServerSocket");
            audit.listening(LOOPBACK, 5555, "ServerSocket");
            audit.connectedToPortAtRisk(LOOPBACK, 40778, InetAddress.getByName("192.0.2.7"), 40201, "Socket");
        });

        assertEquals("", err);
        assertEquals(0, statistics.risks());
    }

    @Test
    void anIgnoredEndpointIsNotARisk() throws Exception {
        AgentStatistics statistics = new AgentStatistics();
        Audit audit = audit("ignore=40202", statistics);

        String err = Stderr.capture(() -> {
            audit.connectedToPortAtRisk(LOOPBACK, 40779, LOOPBACK, 40202, "Socket");
            audit.listening(LOOPBACK, 40202, "ServerSocket");
        });

        assertEquals("", err);
        assertEquals(0, statistics.risks());
    }

    @Test
    void risksOffReportsNothing() throws Exception {
        Audit audit = audit("risks=false", new AgentStatistics());

        assertFalse(audit.mayBeAtRisk(40203, 40500));
    }

    @Test
    void risksFollowTheModeUnlessSet() throws Exception {
        assertTrue(audit(null, new AgentStatistics()).mayBeAtRisk(40204, 40500));
        assertFalse(audit("mode=throw", new AgentStatistics()).mayBeAtRisk(40204, 40500));
        assertTrue(audit("mode=throw,risks=true", new AgentStatistics()).mayBeAtRisk(40204, 40500));
    }

    @Test
    void aListenerIsReportedOncePerEndpointAndGoesToTheAuditFile() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        AgentStatistics statistics = new AgentStatistics();
        Audit audit = audit("audit.file=" + file, statistics);

        String err = Stderr.capture(() -> {
            audit.listening(LOOPBACK, 40205, "ServerSocket");
            audit.listening(LOOPBACK, 40205, "ServerSocketChannel");
            audit.listening(InetAddress.getByName("0.0.0.0"), 40205, "ServerSocket");
        });

        assertEquals(2, statistics.risks(), err);
        assertEquals(2, err.lines().filter(l -> l.startsWith("[selfconnect] RISK ")).count(), err);
        assertTrue(err.contains("[selfconnect] RISK ServerSocket listens on 0.0.0.0:40205 (thread \""), err);
        assertTrue(err.contains("so any local client may get it as its source port and hold it while this server"
                + " restarts; reserve it with 'sysctl -w net.ipv4.ip_local_reserved_ports=40001,40205'"), err);
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        Map<String, Object> event = StrictJson.object(lines.get(1));
        assertEquals("risk-listen", event.get("kind"));
        assertEquals(Map.of("address", "0.0.0.0", "port", 40205L), withoutNulls(event.get("local")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(audit.endpoints().contains("listen 0.0.0.0:40205 (ServerSocket)"), audit.endpoints()::toString);
    }

    @Test
    void theSummaryCountsNamesTheEndpointsAndGivesOneFix() throws Exception {
        AgentStatistics statistics = new AgentStatistics();
        Audit audit = audit("stack-traces=false", statistics);
        Stderr.capture(() -> {
            audit.listening(LOOPBACK, 40206, "ServerSocket");
            audit.connectedToPortAtRisk(LOOPBACK, 40780, LOOPBACK, 40207, "SocketChannel");
        });

        List<String> summary = audit.summary();

        assertTrue(summary.get(0).startsWith("0 self-connection(s), 2 risk finding(s), 0 SelfConnectException(s)"
                + " thrown, 0 connect(s) checked"), summary.get(0));
        assertTrue(summary.contains("  listen 127.0.0.1:40206 (ServerSocket)"), summary::toString);
        assertTrue(summary.contains("  connect 127.0.0.1:40207 (SocketChannel)"), summary::toString);
        String fix = summary.get(summary.size() - 1);
        assertEquals("fix: reserve them with 'sysctl -w net.ipv4.ip_local_reserved_ports=40001,40206-40207' (persist"
                + " it in /etc/sysctl.d), or move them out of 40000-40999", fix);
    }

    @Test
    void theSummaryGivesTheFixForASelfConnectionWithRiskFindingsOff() throws Exception {
        Path proc = Files.createDirectories(dir.resolve("proc"));
        Files.writeString(proc.resolve("ip_local_port_range"), "40000 40999\n");
        Files.writeString(proc.resolve("ip_local_reserved_ports"), "40001\n");
        Settings settings = SettingsLoader.load("mode=throw,risks=false", new Properties(), Map.of());
        KernelPortFiles files = AuditTesting.ports(proc);
        Audit audit = new Audit(settings, new AgentStatistics(), new Findings(), null, () -> files);
        audit.selfConnection(LOOPBACK, 40208, "Socket", "main", new String[0], "self-connection", "reserve 40208");

        List<String> summary = audit.summary();

        assertTrue(summary.contains("  self-connection 127.0.0.1:40208 (Socket)"), summary::toString);
        assertEquals("fix: reserve it with 'sysctl -w net.ipv4.ip_local_reserved_ports=40001,40208' (persist it in"
                + " /etc/sysctl.d), or move it out of 40000-40999", summary.get(summary.size() - 1));
    }

    @Test
    void theSummaryListsTheFirstEndpointsAndCountsTheRest() throws Exception {
        Audit audit = audit("stack-traces=false", new AgentStatistics());
        Stderr.capture(() -> {
            for (int port = 40300; port < 40300 + Audit.SUMMARY_ENDPOINTS + 5; port++) {
                audit.listening(LOOPBACK, port, "ServerSocket");
            }
        });

        List<String> summary = audit.summary();

        assertEquals(1 + Audit.SUMMARY_ENDPOINTS + 1 + 1, summary.size(), summary::toString);
        assertEquals("  and 5 more", summary.get(summary.size() - 2));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutNulls(Object object) {
        Map<String, Object> map = new java.util.LinkedHashMap<>((Map<String, Object>) object);
        map.values().removeIf(java.util.Objects::isNull);
        return map;
    }
}
