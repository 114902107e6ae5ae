package dev.selfconnect.management;

import dev.selfconnect.audit.Audit;
import dev.selfconnect.audit.AuditTesting;
import dev.selfconnect.config.SettingsLoader;
import dev.selfconnect.reporting.AgentStatistics;
import dev.selfconnect.state.AgentState;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MBean in this JVM's real platform MBean server, read as any JMX client reads it. */
class PlatformRegistrationTest {

    @TempDir
    Path dir;

    @Test
    void theCountersAndTheConfigurationAreVisibleInThePlatformServer() throws Exception {
        AgentStatistics statistics = new AgentStatistics();
        Audit audit = AuditTesting.configure(dir, "stack-traces=false,ignore=8080", statistics);
        AgentState.replace(new AgentState(AgentState.Phase.ACTIVE, "9.9.9", SettingsLoader.load(
                "stack-traces=false,ignore=8080", new Properties(), Map.of()), statistics, audit, null));
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        PlatformRegistration registration = new PlatformRegistration();
        registration.accept(server);
        registration.accept(server); // every later getPlatformMBeanServer() hands it the same server again

        statistics.countCheck();
        statistics.countCheck();
        statistics.countSelfConnection();
        AuditTesting.quietly(() -> audit.listening(InetAddress.getLoopbackAddress(), 40300, "ServerSocket"));

        ObjectName name = new ObjectName("selfconnect:type=Agent");
        assertEquals(2L, server.getAttribute(name, "Checks"));
        assertEquals(1L, server.getAttribute(name, "SelfConnections"));
        assertEquals(0L, server.getAttribute(name, "ExceptionsThrown"));
        assertEquals(1L, server.getAttribute(name, "RisksFound"));
        assertEquals("log", server.getAttribute(name, "Mode"));
        assertEquals(false, server.getAttribute(name, "StackTraces"));
        assertEquals("8080", server.getAttribute(name, "Ignore"));
        assertEquals(true, server.getAttribute(name, "Risks"));
        assertEquals("", server.getAttribute(name, "AuditFile"));
        assertEquals("9.9.9", server.getAttribute(name, "Version"));
        assertEquals("mode=log, stack-traces=false, ignore=8080", server.getAttribute(name, "Settings"));
        assertTrue(Arrays.asList((String[]) server.getAttribute(name, "EndpointsAtRisk"))
                .contains("listen 127.0.0.1:40300 (ServerSocket)"));

        AgentMXBean proxy = JMX.newMXBeanProxy(server, name, AgentMXBean.class);
        assertEquals(1L, proxy.getRisksFound());
        assertTrue(server.isInstanceOf(name, AgentMXBean.class.getName()) || proxy.getChecks() == 2L);
        assertEquals("active", proxy.getState());

        registration.unregister();
        assertFalse(server.isRegistered(name), "switched off or detached: no MBean");
        registration.registerAgain();
        assertTrue(server.isRegistered(name), "active again: the MBean is back in the server it was in");
        registration.unregister();
    }
}
