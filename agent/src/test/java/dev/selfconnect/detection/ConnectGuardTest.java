package dev.selfconnect.detection;

import dev.selfconnect.SelfConnectException;
import dev.selfconnect.audit.Audit;
import dev.selfconnect.audit.AuditTesting;
import dev.selfconnect.config.Settings;
import dev.selfconnect.config.SettingsLoader;
import dev.selfconnect.hooks.ConnectionFamily;
import dev.selfconnect.hooks.Families;
import dev.selfconnect.hooks.InternalAccess;
import dev.selfconnect.hooks.JdkHooks;
import dev.selfconnect.hooks.ServerFamily;
import dev.selfconnect.reporting.AgentLog;
import dev.selfconnect.reporting.AgentStatistics;
import dev.selfconnect.testing.Stderr;
import dev.selfconnect.vocabulary.KernelPortFiles;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guard on real self-connections, made without a namespace: a socket bound to a loopback port connects to that
 * same address (TCP's simultaneous open with itself). The kernel's range is a file of the test's own that holds just
 * that port, so each self-connection is also a connect to a port at risk.
 */
class ConnectGuardTest {

    /**
     * The JDK's internals stay closed to a unit test: the reset's SO_LINGER 0 on an AsynchronousSocketChannel is left
     * out here (the child-JVM tests check the port is free after a reset), the close happens all the same.
     */
    private static final InternalAccess WITHOUT_INTERNALS = new InternalAccess() {
        @Override
        public void setLingerZero(Object channel) {
        }

        @Override
        public void releaseSocketNow(Object channel) {
        }
    };

    @TempDir
    Path dir;

    /** A real self-connection of one API family, and what closes it. */
    private record SelfConnected(Object connection, int port, Closeable closer) {
    }

    private static SelfConnected selfConnect(String family) throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        switch (family) {
            case "Socket": {
                Socket socket = new Socket();
                socket.bind(any);
                socket.connect(socket.getLocalSocketAddress());
                return new SelfConnected(socket, socket.getLocalPort(), socket);
            }
            case "SocketChannel": {
                SocketChannel channel = SocketChannel.open();
                channel.bind(any);
                channel.connect(channel.getLocalAddress());
                return new SelfConnected(channel, ((InetSocketAddress) channel.getLocalAddress()).getPort(), channel);
            }
            case "AsynchronousSocketChannel": {
                AsynchronousSocketChannel channel = AsynchronousSocketChannel.open();
                channel.bind(any);
                channel.connect(channel.getLocalAddress()).get(5, TimeUnit.SECONDS);
                return new SelfConnected(channel, ((InetSocketAddress) channel.getLocalAddress()).getPort(), channel);
            }
            default:
                throw new IllegalArgumentException(family);
        }
    }

    private static int familyId(String family) {
        switch (family) {
            case "Socket":
                return JdkHooks.SOCKET;
            case "SocketChannel":
                return JdkHooks.SOCKET_CHANNEL;
            default:
                return JdkHooks.ASYNCHRONOUS_SOCKET_CHANNEL;
        }
    }

    private ConnectGuard guard(String arguments, int port, AgentStatistics statistics) throws Exception {
        Path proc = Files.createDirectories(dir.resolve("proc"));
        Files.writeString(proc.resolve("ip_local_port_range"), port + " " + port + "\n");
        Files.writeString(proc.resolve("ip_local_reserved_ports"), "\n");
        Settings settings = SettingsLoader.load(arguments, new Properties(), Map.of());
        KernelPortFiles ports = AuditTesting.ports(proc);
        Audit audit = AuditTesting.audit(settings, statistics, proc);
        Families families = new Families(JdkHooks.CONNECTION_FAMILIES, JdkHooks.SERVER_FAMILIES) {
            @Override
            protected void makeConnection(int id, ConnectionFamily[] all) {
                JdkHooks.makeConnectionFamily(id, WITHOUT_INTERNALS, all);
            }

            @Override
            protected void makeServer(int id, ServerFamily[] all) {
                JdkHooks.makeServerFamily(id, all);
            }
        };
        return new ConnectGuard(settings, families, statistics, audit, () -> ports);
    }

    /**
     * Throw mode resets the connection before the risk check: a closed channel no longer tells its addresses, so the
     * risk finding must come from the addresses read before the reset, with no internal failure.
     */
    @ParameterizedTest
    @CsvSource({"Socket", "SocketChannel", "AsynchronousSocketChannel"})
    void throwModeWithRisksRejectsAndReportsTheRisk(String family) throws Exception {
        SelfConnected self = selfConnect(family);
        try {
            AgentStatistics statistics = new AgentStatistics();
            ConnectGuard guard = guard("mode=throw,risks=true,stack-traces=false", self.port(), statistics);
            long failuresBefore = AgentLog.internalFailures();
            IOException[] rejection = new IOException[1];

            String err = Stderr.capture(() -> rejection[0] = guard.apply(self.connection(), familyId(family)));

            assertInstanceOf(SelfConnectException.class, rejection[0], err);
            assertEquals(failuresBefore, AgentLog.internalFailures(), err);
            List<String> lines = err.lines().filter(l -> l.startsWith(AgentLog.PREFIX)).toList();
            String endpoint = "127.0.0.1:" + self.port();
            assertEquals(2, lines.size(), err);
            assertTrue(lines.get(0).startsWith("[selfconnect] WARN self-connection " + endpoint + " -> " + endpoint
                    + " via " + family + " "), err);
            assertTrue(lines.get(1).startsWith("[selfconnect] RISK connect to " + endpoint + " via " + family + " "),
                    err);
            assertEquals(1, statistics.selfConnections(), err);
            assertEquals(1, statistics.rejections(), err);
            assertEquals(1, statistics.risks(), err);
        } finally {
            self.closer().close();
        }
    }

    /** Log mode leaves the connection open: both records, nothing returned. */
    @ParameterizedTest
    @CsvSource({"Socket", "SocketChannel", "AsynchronousSocketChannel"})
    void logModeWithRisksReportsBoth(String family) throws Exception {
        SelfConnected self = selfConnect(family);
        try {
            AgentStatistics statistics = new AgentStatistics();
            ConnectGuard guard = guard("mode=log,risks=true,stack-traces=false", self.port(), statistics);
            long failuresBefore = AgentLog.internalFailures();
            IOException[] rejection = new IOException[1];

            String err = Stderr.capture(() -> rejection[0] = guard.apply(self.connection(), familyId(family)));

            assertNull(rejection[0], err);
            assertEquals(failuresBefore, AgentLog.internalFailures(), err);
            assertEquals(1, statistics.selfConnections(), err);
            assertEquals(1, statistics.risks(), err);
            assertTrue(err.contains("[selfconnect] RISK connect to 127.0.0.1:" + self.port()), err);
        } finally {
            self.closer().close();
        }
    }
}
