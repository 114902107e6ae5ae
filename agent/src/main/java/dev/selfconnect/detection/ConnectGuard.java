package dev.selfconnect.detection;

import dev.selfconnect.SelfConnectException;
import dev.selfconnect.audit.Audit;
import dev.selfconnect.config.Mode;
import dev.selfconnect.config.Settings;
import dev.selfconnect.reporting.AgentLog;
import dev.selfconnect.reporting.AgentStatistics;
import dev.selfconnect.reporting.SelfConnectionReport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.BiFunction;

/**
 * Looks at every connection the JDK has just completed. The common case (local port differs from remote port)
 * costs two reads and allocates nothing. On a self-connection it writes the report and, in throw mode, resets the
 * connection and returns the exception that the bridge throws into the application.
 * <p>
 * With an {@link Audit}, a connect whose remote port lies in the ephemeral range (int compares against the cached
 * range) goes on to the audit's risk check, and so does every server socket bound to a fixed port.
 */
public final class ConnectGuard implements BiFunction<Object, String, IOException> {

    private final Settings settings;
    private final ConnectionResetter resetter;
    private final AgentStatistics statistics;
    private final ThreadLocal<Boolean> handling = new ThreadLocal<Boolean>();
    /** Connections already reported: a finishConnect on a connected channel returns true again. */
    private final Map<Object, Boolean> reported = Collections.synchronizedMap(new WeakHashMap<Object, Boolean>());
    /** Null: no audit (risk findings, audit file, JFR). */
    private final Audit audit;

    public ConnectGuard(Settings settings, ConnectionResetter resetter, AgentStatistics statistics) {
        this(settings, resetter, statistics, null);
    }

    public ConnectGuard(Settings settings, ConnectionResetter resetter, AgentStatistics statistics, Audit audit) {
        this.settings = settings;
        this.resetter = resetter;
        this.statistics = statistics;
        this.audit = audit;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public IOException apply(Object connection, String api) {
        try {
            if (connection instanceof Socket) {
                statistics.countCheck();
                Socket socket = (Socket) connection;
                int port = socket.getPort();
                int localPort = socket.getLocalPort();
                if (port != localPort) {
                    if (audit != null && audit.mayBeAtRisk(port, localPort)) {
                        // the local address only once the finding is new: Socket.getLocalAddress() is a syscall
                        connectRisk(api, socket, null, localPort, socket.getInetAddress(), port);
                    }
                    return null;
                }
                InetAddress localAddress = socket.getLocalAddress();
                InetAddress remoteAddress = socket.getInetAddress();
                IOException rejection = check(connection, api, localAddress, localPort, remoteAddress, port);
                if (audit != null && audit.mayBeAtRisk(port, localPort)) {
                    connectRisk(api, null, localAddress, port, remoteAddress, port);
                }
                return rejection;
            }
            if (connection instanceof ServerSocket || connection instanceof ServerSocketChannel
                    || connection instanceof AsynchronousServerSocketChannel) {
                bound(connection, api);
                return null;
            }
            statistics.countCheck();
            if (connection instanceof NetworkChannel) {
                return checkChannel(connection, api, (NetworkChannel) connection);
            }
            return null;
        } catch (Throwable failure) {
            AgentLog.internalFailure("checking a " + api + " connection", failure);
            return null;
        }
    }

    private IOException checkChannel(Object connection, String api, NetworkChannel channel) throws IOException {
        SocketAddress local = channel.getLocalAddress();
        SocketAddress remote = connection instanceof AsynchronousSocketChannel
                ? ((AsynchronousSocketChannel) connection).getRemoteAddress()
                : ((java.nio.channels.SocketChannel) connection).getRemoteAddress();
        if (!(local instanceof InetSocketAddress) || !(remote instanceof InetSocketAddress)) {
            return null;
        }
        return checkInet(connection, api, (InetSocketAddress) local, (InetSocketAddress) remote);
    }

    /**
     * A connection that no JDK type describes (a Netty native socket), with the endpoints its caller read. In throw
     * mode the caller resets the connection itself.
     *
     * @return the exception to fail the connect with, or null to let it through
     */
    public IOException checkEndpoints(Object connection, String api, InetSocketAddress local,
                                      InetSocketAddress remote) {
        try {
            statistics.countCheck();
            return checkInet(connection, api, local, remote);
        } catch (Throwable failure) {
            AgentLog.internalFailure("checking a " + api + " connection", failure);
            return null;
        }
    }

    private IOException checkInet(Object connection, String api, InetSocketAddress localInet,
                                  InetSocketAddress remoteInet) {
        int port = remoteInet.getPort();
        IOException rejection = localInet.getPort() != port ? null : check(connection, api, localInet.getAddress(),
                localInet.getPort(), remoteInet.getAddress(), port);
        if (audit != null && audit.mayBeAtRisk(port, localInet.getPort())) {
            connectRisk(api, null, localInet.getAddress(), localInet.getPort(), remoteInet.getAddress(), port);
        }
        return rejection;
    }

    /**
     * The remote port is in the ephemeral range: the audit decides, unless this connect is the agent's own. The local
     * address is that of {@code socket} when given (read only for a new finding), else {@code localAddress}.
     */
    private void connectRisk(String api, Socket socket, InetAddress localAddress, int localPort,
                             InetAddress remoteAddress, int remotePort) {
        if (!audit.isNewConnectRisk(remoteAddress, remotePort) || handling.get() != null) {
            return;
        }
        handling.set(Boolean.TRUE);
        try {
            if (socket != null) {
                localAddress = socket.getLocalAddress();
            }
            audit.connectedToPortAtRisk(localAddress, localPort, remoteAddress, remotePort, api);
        } finally {
            handling.remove();
        }
    }

    /** A server socket bound to a fixed port (the bridge lets no other bind through). */
    private void bound(Object server, String api) throws IOException {
        if (audit == null || handling.get() != null) {
            return;
        }
        SocketAddress local = server instanceof ServerSocket ? ((ServerSocket) server).getLocalSocketAddress()
                : ((NetworkChannel) server).getLocalAddress();
        listening(api, local);
    }

    /**
     * A server socket that no JDK type describes (a Netty native server channel), bound to a fixed port, with the
     * address its caller read.
     */
    public void listeningEndpoint(String api, InetSocketAddress local) {
        try {
            listening(api, local);
        } catch (Throwable failure) {
            AgentLog.internalFailure("checking a " + api + " listener", failure);
        }
    }

    private void listening(String api, SocketAddress local) {
        if (audit == null || handling.get() != null || !(local instanceof InetSocketAddress)) {
            return;
        }
        handling.set(Boolean.TRUE);
        try {
            audit.listening(((InetSocketAddress) local).getAddress(), ((InetSocketAddress) local).getPort(), api);
        } finally {
            handling.remove();
        }
    }

    private IOException check(Object connection, String api, InetAddress localAddress, int localPort,
                              InetAddress remoteAddress, int remotePort) {
        if (!SelfConnectionDetector.isSelfConnection(localAddress, localPort, remoteAddress, remotePort)) {
            return null;
        }
        if (settings.ignore().matches(remoteAddress, remotePort)) {
            return null;
        }
        if (handling.get() != null || reported.put(connection, Boolean.TRUE) != null) {
            // Reported before, or a connect made while reporting this one (a log handler that connects): let it be.
            return null;
        }
        handling.set(Boolean.TRUE);
        statistics.countSelfConnection();
        try {
            SelfConnection selfConnection = new SelfConnection(remoteAddress, remotePort, api,
                    Thread.currentThread().getName(), new Throwable().getStackTrace(), PortRange.ephemeral());
            boolean reject = settings.mode() == Mode.THROW;
            String outcome = reject ? "reset the connection and threw SelfConnectException (mode=throw)"
                    : "the connection was left open (mode=log)";
            SelfConnectionReport.write(selfConnection, outcome, settings.stackTraces());
            if (audit != null) {
                audit.selfConnection(remoteAddress, remotePort, api, selfConnection.thread(), selfConnection.stack(),
                        "self-connection " + selfConnection.describe() + " via " + api + ": "
                                + selfConnection.explanation() + "; " + outcome,
                        "reserve port " + remotePort + " in net.ipv4.ip_local_reserved_ports or move the server"
                                + " out of the ephemeral port range");
            }
            if (!reject) {
                return null;
            }
            resetter.reset(connection);
            statistics.countRejection();
            return new SelfConnectException(selfConnection.exceptionMessage());
        } finally {
            handling.remove();
        }
    }
}
