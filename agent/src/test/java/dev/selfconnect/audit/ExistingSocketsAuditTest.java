package dev.selfconnect.audit;

import dev.selfconnect.config.SettingsLoader;
import dev.selfconnect.reporting.AgentStatistics;
import dev.selfconnect.testing.Stderr;
import dev.selfconnect.vocabulary.EphemeralPorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The findings about sockets the JVM held before the agent looked (API "existing"): worded, counted, written to the
 * audit file and listed like the others, under the same settings, and never reported twice, also when a bind of the
 * application reported the same listener first.
 */
class ExistingSocketsAuditTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    private Path proc;

    private Audit audit(String arguments, AgentStatistics statistics) throws Exception {
        proc = Files.createDirectories(dir.resolve("proc"));
        Files.writeString(proc.resolve("ip_local_port_range"), "40000 40999\n");
        Files.writeString(proc.resolve("ip_local_reserved_ports"), "40001\n");
        return AuditTesting.audit(SettingsLoader.load(arguments, new Properties(), Map.of()), statistics, proc);
    }

    private EphemeralPorts ports() {
        return AuditTesting.ports(proc).current();
    }

    @Test
    void anExistingListenerAtRiskIsARiskFindingWithoutThreadOrFrames() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        AgentStatistics statistics = new AgentStatistics();
        Audit audit = audit("stack-traces=true,audit.file=" + file, statistics);

        String err = Stderr.capture(() -> {
            audit.existingListener(InetAddress.getByName("::"), 40300);
            audit.existingListener(InetAddress.getByName("::"), 40300);
        });

        assertEquals(1, statistics.risks());
        assertEquals(List.of("[selfconnect] RISK existing socket listens on [::]:40300 (open before the agent looked:"
                + " no thread or stack is known): port 40300 lies in the ephemeral port range 40000-40999"
                + " (net.ipv4.ip_local_port_range) and is not reserved, so any local client may get it as its source"
                + " port and hold it while this server restarts; reserve it with"
                + " 'sysctl -w net.ipv4.ip_local_reserved_ports=40001,40300' (persist it in /etc/sysctl.d), or move it"
                + " out of 40000-40999"), err.lines().toList());
        audit.close();
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size());
        Map<String, Object> event = StrictJson.object(lines.get(0));
        assertEquals("risk-listen", event.get("kind"));
        assertEquals("existing", event.get("api"));
        assertNull(event.get("thread"));
        assertEquals(List.of(), event.get("frames"));
        assertEquals(List.of("listen [::]:40300 (existing)"), audit.endpoints());
    }

    @Test
    void theSettingsApply() throws Exception {
        AgentStatistics statistics = new AgentStatistics();
        Audit risksOff = audit("risks=false", statistics);
        Audit ignored = audit("ignore=40302", statistics);
        Audit plain = audit(null, statistics);

        String err = Stderr.capture(() -> {
            risksOff.existingListener(LOOPBACK, 40301);
            ignored.existingListener(LOOPBACK, 40302);
            ignored.existingSelfConnection(LOOPBACK, 40302, ports());
            plain.existingListener(LOOPBACK, 40001); // reserved
            plain.existingListener(LOOPBACK, 8080); // outside the range
        });

        assertEquals("", err);
        assertEquals(0, statistics.risks());
        assertEquals(0, statistics.selfConnections());
    }

    @Test
    void aListenerABindReportedIsNotReportedAgainWhicheverWildcardTheKernelShows() throws Exception {
        AgentStatistics statistics = new AgentStatistics();
        Audit audit = audit(null, statistics);

        String err = Stderr.capture(() -> {
            audit.listening(InetAddress.getByName("0.0.0.0"), 40303, "ServerSocket");
            audit.existingListener(InetAddress.getByName("::"), 40303);
            audit.existingListener(InetAddress.getByName("0.0.0.0"), 40303);
            audit.listening(LOOPBACK, 40304, "ServerSocketChannel");
            audit.existingListener(LOOPBACK, 40304);
            audit.existingListener(InetAddress.getByName("::"), 40304); // another listener on that port
        });

        assertEquals(3, statistics.risks(), err);
        assertEquals(List.of("listen 0.0.0.0:40303 (ServerSocket)", "listen 127.0.0.1:40304 (ServerSocketChannel)",
                "listen [::]:40304 (existing)"), audit.endpoints());
    }

    @Test
    void anExistingSelfConnectionIsCountedReportedOnceAndLeftOpen() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        AgentStatistics statistics = new AgentStatistics();
        Audit audit = audit("mode=throw,audit.file=" + file, statistics);

        String err = Stderr.capture(() -> {
            audit.existingSelfConnection(LOOPBACK, 40305, ports());
            audit.existingSelfConnection(LOOPBACK, 40305, ports());
        });

        assertEquals(1, statistics.selfConnections());
        assertEquals(0, statistics.rejections());
        assertEquals(List.of("[selfconnect] WARN self-connection 127.0.0.1:40305 -> 127.0.0.1:40305 via existing"
                + " socket (open before the agent looked: no thread or stack is known): nothing listens on 40305,"
                + " which lies in the ephemeral port range 40000-40999; reserve it with"
                + " 'sysctl -w net.ipv4.ip_local_reserved_ports=40001,40305' (persist it in /etc/sysctl.d), or move it"
                + " out of 40000-40999; the connection was left open: the application has held it since before the"
                + " agent looked, and mode=throw resets only the connects the agent sees complete"),
                err.lines().toList());
        audit.close();
        Map<String, Object> event = StrictJson.object(Files.readAllLines(file).get(0));
        assertEquals("self-connection", event.get("kind"));
        assertEquals("existing", event.get("api"));
        assertTrue(audit.summary().contains("  self-connection 127.0.0.1:40305 (existing)"), audit.summary()::toString);
    }

    @Test
    void aSelfConnectionTheGuardReportedIsNotReportedAgain() throws Exception {
        AgentStatistics statistics = new AgentStatistics();
        Audit audit = audit(null, statistics);
        audit.selfConnection(LOOPBACK, 40306, "Socket", "main", new String[0], "reported", "fix");

        String err = Stderr.capture(() -> audit.existingSelfConnection(LOOPBACK, 40306, null));

        assertEquals("", err);
        assertEquals(0, statistics.selfConnections());
    }

    @Test
    void withoutTheKernelFilesTheSelfConnectionIsStillReportedInLogMode() throws Exception {
        AgentStatistics statistics = new AgentStatistics();
        Audit audit = audit("risks=false", statistics);

        String err = Stderr.capture(() -> audit.existingSelfConnection(LOOPBACK, 40307, null));

        assertEquals(1, statistics.selfConnections());
        assertTrue(err.startsWith("[selfconnect] WARN self-connection 127.0.0.1:40307 -> 127.0.0.1:40307 via existing"
                + " socket"), err);
        assertTrue(err.trim().endsWith("; the connection was left open (mode=log)"), err);
    }
}
