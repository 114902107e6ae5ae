package dev.selfconnect.detection;

import dev.selfconnect.SelfConnectException;
import dev.selfconnect.config.Mode;
import dev.selfconnect.config.Settings;
import dev.selfconnect.reporting.AgentLog;
import dev.selfconnect.reporting.AgentStatistics;
import dev.selfconnect.reporting.SelfConnectionReport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.NetworkChannel;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.BiFunction;

/**
 * Looks at every connection the JDK has just completed. The common case (local port differs from remote port)
 * costs two reads and allocates nothing. On a self-connection it writes the report and, in throw mode, resets the
 * connection and returns the exception that the bridge throws into the application.
 */
public final class ConnectGuard implements BiFunction<Object, String, IOException> {

    private final Settings settings;
    private final ConnectionResetter resetter;
    private final AgentStatistics statistics;
    private final ThreadLocal<Boolean> handling = new ThreadLocal<Boolean>();
    /** Connections already reported: a finishConnect on a connected channel returns true again. */
    private final Map<Object, Boolean> reported = Collections.synchronizedMap(new WeakHashMap<Object, Boolean>());

    public ConnectGuard(Settings settings, ConnectionResetter resetter, AgentStatistics statistics) {
        this.settings = settings;
        this.resetter = resetter;
        this.statistics = statistics;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public IOException apply(Object connection, String api) {
        statistics.countCheck();
        try {
            if (connection instanceof Socket) {
                Socket socket = (Socket) connection;
                int port = socket.getPort();
                if (port != socket.getLocalPort()) {
                    return null;
                }
                return check(connection, api, socket.getLocalAddress(), socket.getLocalPort(),
                        socket.getInetAddress(), port);
            }
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
        InetSocketAddress localInet = (InetSocketAddress) local;
        InetSocketAddress remoteInet = (InetSocketAddress) remote;
        if (localInet.getPort() != remoteInet.getPort()) {
            return null;
        }
        return check(connection, api, localInet.getAddress(), localInet.getPort(),
                remoteInet.getAddress(), remoteInet.getPort());
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
            SelfConnectionReport.write(selfConnection, reject
                    ? "reset the connection and threw SelfConnectException (mode=throw)"
                    : "the connection was left open (mode=log)", settings.stackTraces());
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
