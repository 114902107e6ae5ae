package dev.selfconnect.audit;

import dev.selfconnect.testing.Stderr;
import dev.selfconnect.config.SettingsLoader;
import dev.selfconnect.detection.ConnectGuard;
import dev.selfconnect.hooks.ConnectionFamily;
import dev.selfconnect.hooks.Families;
import dev.selfconnect.hooks.ServerFamily;
import dev.selfconnect.hooks.InternalAccess;
import dev.selfconnect.hooks.JdkHooks;
import dev.selfconnect.config.Settings;
import dev.selfconnect.vocabulary.KernelPortFiles;
import dev.selfconnect.reporting.AgentStatistics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The performance rule, measured on the guard the bridge calls, with a real connected Socket and SocketChannel: a
 * connect that is not a self-connection allocates nothing, whether its port is outside the ephemeral range or inside
 * it and already reported. (Allocation counted with the JDK's per-thread allocation counter.)
 */
class ConnectPathAllocationTest {

    private static final int CALLS = 200_000;

    @TempDir
    static Path dir;

    private static ServerSocket server;
    private static Socket socket;
    private static SocketChannel channel;

    @BeforeAll
    static void connect() throws Exception {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
    }

    @AfterAll
    static void close() throws Exception {
        channel.close();
        socket.close();
        server.close();
    }

    private static ConnectGuard guard(String range) throws Exception {
        Path proc = Files.createDirectories(dir.resolve("proc-" + range.replace(' ', '-')));
        Files.writeString(proc.resolve("ip_local_port_range"), range + "\n");
        Files.writeString(proc.resolve("ip_local_reserved_ports"), "\n");
        AgentStatistics statistics = new AgentStatistics();
        Settings settings = SettingsLoader.load("stack-traces=false", new Properties(), Map.of());
        KernelPortFiles ports = AuditTesting.ports(proc);
        Audit audit = new Audit(settings, statistics, new Findings(), ports);
        Families families = new Families(JdkHooks.CONNECTION_FAMILIES, JdkHooks.SERVER_FAMILIES) {
            @Override
            protected void makeConnection(int id, ConnectionFamily[] all) {
                JdkHooks.makeConnectionFamily(id, InternalAccess.NONE, all);
            }

            @Override
            protected void makeServer(int id, ServerFamily[] all) {
                JdkHooks.makeServerFamily(id, all);
            }
        };
        return new ConnectGuard(settings, families, statistics, audit,
                () -> ports);
    }

    /** Bytes this thread allocates over CALLS calls of the guard, after as many calls to warm it up. */
    private static long allocatedBytes(ConnectGuard guard, Object connection, int family) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < CALLS; i++) {
            assertNull(guard.apply(connection, family));
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < CALLS; i++) {
            guard.apply(connection, family);
        }
        return threads.getThreadAllocatedBytes(thread) - before;
    }

    /**
     * One allocation per call would be at least 16 bytes each, CALLS * 16 in all; a few hundred bytes once (the JIT,
     * the counter's own bookkeeping) are slack.
     */
    private static void assertAllocatesNothingPerCall(long bytes) {
        assertTrue(bytes < CALLS / 20, bytes + " bytes allocated over " + CALLS + " calls");
    }

    @Test
    void aPortOutsideTheRangeAllocatesNothing() throws Exception {
        int port = server.getLocalPort();
        // A range that holds the client's local port (so nothing is re-read) and not the server's.
        int local = socket.getLocalPort();
        String range = port < local ? (port + 1) + " " + Math.max(local, port + 1) : local + " " + (port - 1);
        ConnectGuard guard = guard(range);

        assertAllocatesNothingPerCall(allocatedBytes(guard, socket, JdkHooks.SOCKET));
        assertAllocatesNothingPerCall(allocatedBytes(guard, channel, JdkHooks.SOCKET_CHANNEL));
    }

    @Test
    void aPortAtRiskReportedOnceAllocatesNothingAfterwards() throws Exception {
        int low = Math.min(server.getLocalPort(), socket.getLocalPort());
        int high = Math.max(server.getLocalPort(), socket.getLocalPort());
        ConnectGuard guard = guard(low + " " + high);

        String err = Stderr.capture(() -> {
            assertAllocatesNothingPerCall(allocatedBytes(guard, socket, JdkHooks.SOCKET));
        });

        assertEquals(1, err.lines().filter(l -> l.startsWith("[selfconnect] RISK connect to 127.0.0.1:"
                + server.getLocalPort() + " via Socket")).count(), err);
    }
}
