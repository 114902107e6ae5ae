package dev.selfconnect.jfr;

import dev.selfconnect.audit.Audit;
import dev.selfconnect.vocabulary.ApplicationFrames;
import dev.selfconnect.audit.AuditTesting;
import dev.selfconnect.reporting.AgentStatistics;
import dev.selfconnect.identity.AgentIdentity;
import dev.selfconnect.identity.ProcessIdentity;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real recording in this JVM, dumped to a file and read back with the JFR consumer API. */
class JfrEventSinkTest {

    @TempDir
    Path dir;

    @Test
    void riskFindingsAndSelfConnectionsAreRecorded() throws Exception {
        AgentIdentity.current();
        Audit audit = AuditTesting.configure(dir, "stack-traces=false", new AgentStatistics());
        Path file = dir.resolve("recording.jfr");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (Recording recording = new Recording()) {
            recording.enable("dev.selfconnect.RiskFinding");
            recording.enable("dev.selfconnect.SelfConnection");
            recording.start();
            AuditTesting.quietly(() -> {
                audit.listening(loopback, 40400, "ServerSocketChannel");
                audit.connectedToPortAtRisk(loopback, 40888, loopback, 40401, "Socket");
                audit.selfConnection(loopback, 40402, "Socket", "main",
                        ApplicationFrames.of(new Throwable().getStackTrace()),
                        "self-connection 127.0.0.1:40402 -> 127.0.0.1:40402", "reserve 40402");
            });
            recording.stop();
            recording.dump(file);
        }

        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<RecordedEvent> risks = events.stream()
                .filter(e -> e.getEventType().getName().equals("dev.selfconnect.RiskFinding")).toList();
        List<RecordedEvent> selfConnections = events.stream()
                .filter(e -> e.getEventType().getName().equals("dev.selfconnect.SelfConnection")).toList();
        assertEquals(2, risks.size(), events::toString);
        assertEquals(1, selfConnections.size(), events::toString);
        // A recording keeps one thread's events in commit order only per buffer: a large event (these frames) may
        // come out of another, so the events are told apart by their kind.
        RecordedEvent listen = risks.stream().filter(e -> e.getString("kind").equals("risk-listen")).findFirst()
                .orElseThrow(() -> new AssertionError(events));
        RecordedEvent connect = risks.stream().filter(e -> e != listen).findFirst().orElseThrow();
        assertEquals("risk-listen", listen.getString("kind"));
        assertEquals("127.0.0.1", listen.getString("localAddress"));
        assertEquals(40400, listen.getInt("localPort"));
        assertEquals("ServerSocketChannel", listen.getString("api"));
        assertTrue(listen.getString("fix").contains("sysctl -w net.ipv4.ip_local_reserved_ports=40001,40400"));
        assertEquals(40401, connect.getInt("remotePort"));
        assertEquals(40402, selfConnections.get(0).getInt("remotePort"));
        assertTrue(selfConnections.get(0).getString("applicationFrames").contains("org.junit"),
                selfConnections.get(0)::toString);
        assertEquals(null, listen.getStackTrace(), "JFR's own stack would start in the agent's frames");
        assertEquals(null, selfConnections.get(0).getStackTrace(), "JFR's own stack would start in the agent's frames");
        assertEquals(List.of("selfconnect"), listen.getEventType().getCategoryNames());
        // The identity: whatever an agent thread resolved so far (the test resolves it first, as the agent's
        // weaver thread does once the application's first steps are past).
        ProcessIdentity identity = AgentIdentity.current();
        for (RecordedEvent event : events.stream().filter(e -> e.getEventType().getName()
                .startsWith("dev.selfconnect.")).toList()) {
            assertEquals(identity.serviceName, event.getString("serviceName"), event::toString);
            assertEquals(identity.hostName, event.getString("hostName"), event::toString);
            assertEquals(identity.pid, event.getLong("processPid"), event::toString);
            assertEquals(identity.agentVersion, event.getString("agentVersion"), event::toString);
        }
    }
}
