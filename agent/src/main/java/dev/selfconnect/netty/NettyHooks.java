package dev.selfconnect.netty;

import dev.selfconnect.hooks.ConnectionFamily;
import dev.selfconnect.hooks.JdkHooks;
import dev.selfconnect.hooks.ServerFamily;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Netty's native transports as API families: one connection and one server family per transport (epoll; io_uring,
 * 4.2's and the incubator's alike), after the JDK's. The connection object is Netty's channel. An epoll channel has
 * stored both endpoints by the hook point, and they are read from it; an io_uring channel has not stored them yet, so
 * they come from its native socket ({@code getsockname}/{@code getpeername}, a new address each). Its hook points are not in a JDK class: {@link NettyTransports} weaves them where
 * Netty appears.
 */
public final class NettyHooks {

    /** Netty's ids follow the JDK's. */
    public static final int EPOLL = JdkHooks.CONNECTION_FAMILIES;
    public static final int IO_URING = EPOLL + 1;
    public static final int EPOLL_SERVER = JdkHooks.SERVER_FAMILIES;
    public static final int IO_URING_SERVER = EPOLL_SERVER + 1;
    /** How many client families there are, the JDK's and Netty's. */
    public static final int CONNECTION_FAMILIES = IO_URING + 1;
    /** How many server families there are, the JDK's and Netty's. */
    public static final int SERVER_FAMILIES = IO_URING_SERVER + 1;

    private NettyHooks() {
    }

    /** Puts the client family with this id into {@code families[id]}; nothing for an id that is not Netty's. */
    public static void makeConnectionFamily(int id, ConnectionFamily[] families) {
        if (id == EPOLL) {
            families[id] = new Connections(EPOLL, "Netty epoll");
        } else if (id == IO_URING) {
            families[id] = new Connections(IO_URING, "Netty io_uring");
        }
    }

    /** Puts the server family with this id into {@code families[id]}; nothing for an id that is not Netty's. */
    public static void makeServerFamily(int id, ServerFamily[] families) {
        if (id == EPOLL_SERVER) {
            families[id] = new Servers(EPOLL_SERVER, "Netty epoll server");
        } else if (id == IO_URING_SERVER) {
            families[id] = new Servers(IO_URING_SERVER, "Netty io_uring server");
        }
    }

    /** A Netty native TCP client channel (epoll or io_uring); domain-socket and datagram channels are not TCP. */
    private static final class Connections extends ConnectionFamily {
        private final boolean kept;

        Connections(int id, String api) {
            super(id, api);
            kept = id == EPOLL;
        }

        private InetSocketAddress local(Object channel) throws ReflectiveOperationException {
            NettyChannels channels = NettyChannels.of(channel);
            return kept ? channels.keptLocal(channel) : channels.local(channel);
        }

        private InetSocketAddress remote(Object channel) throws ReflectiveOperationException {
            NettyChannels channels = NettyChannels.of(channel);
            return kept ? channels.keptRemote(channel) : channels.remote(channel);
        }

        @Override
        public boolean isTcp(Object channel) {
            return NettyChannels.of(channel).tcp;
        }

        @Override
        public int localPort(Object channel) throws Exception {
            return local(channel).getPort();
        }

        @Override
        public int remotePort(Object channel) throws Exception {
            return remote(channel).getPort();
        }

        @Override
        public InetAddress localAddress(Object channel) throws Exception {
            return local(channel).getAddress();
        }

        @Override
        public InetAddress remoteAddress(Object channel) throws Exception {
            return remote(channel).getAddress();
        }

        /**
         * SO_LINGER 0 on the native socket only: the woven method then fails the connect promise with the exception
         * and closes the channel through its unsafe (Netty closes the descriptor, asynchronously where io_uring
         * needs it).
         */
        @Override
        public void reset(Object channel) throws Exception {
            NettyChannels.of(channel).lingerZero(channel);
        }
    }

    private static final class Servers extends ServerFamily {
        Servers(int id, String api) {
            super(id, api);
        }

        @Override
        public InetSocketAddress boundAddress(Object server) throws Exception {
            return NettyChannels.of(server).local(server);
        }
    }
}
