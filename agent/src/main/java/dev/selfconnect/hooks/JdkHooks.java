package dev.selfconnect.hooks;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** The JDK's API families and their hook points, on JDK 8 to 25: the first {@link HookModule}. */
public final class JdkHooks implements HookModule {

    /** The JDK's module; its families' ids come first. */
    public static final HookModule MODULE = new JdkHooks();

    public static final int SOCKET = 0;
    public static final int SOCKET_CHANNEL = 1;
    public static final int ASYNCHRONOUS_SOCKET_CHANNEL = 2;
    public static final int SERVER_SOCKET = 0;
    public static final int SERVER_SOCKET_CHANNEL = 1;
    public static final int ASYNCHRONOUS_SERVER_SOCKET_CHANNEL = 2;
    /** How many client families the JDK has: their ids are 0 to this, exclusive. */
    public static final int CONNECTION_FAMILIES = ASYNCHRONOUS_SOCKET_CHANNEL + 1;
    /** How many server families the JDK has. */
    public static final int SERVER_FAMILIES = ASYNCHRONOUS_SERVER_SOCKET_CHANNEL + 1;

    private static final int JDK_8 = 8;
    /** The socket adaptor's own blocking connect came with the adaptor's rewrite in JDK 13. */
    private static final int JDK_13 = 13;

    private static final String SOCKET_API = "Socket";
    private static final String SOCKET_CHANNEL_API = "SocketChannel";
    private static final String ASYNCHRONOUS_API = "AsynchronousSocketChannel";
    private static final String SERVER_SOCKET_API = "ServerSocket";
    private static final String SERVER_SOCKET_CHANNEL_API = "ServerSocketChannel";
    private static final String ASYNCHRONOUS_SERVER_API = "AsynchronousServerSocketChannel";

    /** Every JDK hook point; a point that does not fit the running JDK is not expected there. */
    public static final List<HookPoint> POINTS = Collections.unmodifiableList(Arrays.asList(
        // Every Socket connect overload, the connecting constructors, HttpURLConnection and SSL sockets end here.
        // Its refusals and timeouts too: a refused connect to a local port at risk is a risk finding.
        connectAndRefusals("java/net/Socket", "connect", "(Ljava/net/SocketAddress;I)V", SOCKET, SOCKET_API),
        // A blocking or immediate connect, and a finishConnect that completes a pending one; a blocking connect's
        // refusal too.
        connectAndRefusals("sun/nio/ch/SocketChannelImpl", "connect", "(Ljava/net/SocketAddress;)Z", SOCKET_CHANNEL,
                SOCKET_CHANNEL_API),
        connect("sun/nio/ch/SocketChannelImpl", "finishConnect", "()Z", SOCKET_CHANNEL, SOCKET_CHANNEL_API, JDK_8),
        // The socket adaptor (SocketChannel.socket().connect); before JDK 13 the adaptor calls connect and
        // finishConnect.
        connect("sun/nio/ch/SocketChannelImpl", "blockingConnect", "(Ljava/net/SocketAddress;J)V", SOCKET_CHANNEL,
                SOCKET_CHANNEL_API, JDK_13),
        // Both an immediate and a pending connect; an exception here fails the Future or the handler.
        connect("sun/nio/ch/UnixAsynchronousSocketChannelImpl", "setConnected", "()V", ASYNCHRONOUS_SOCKET_CHANNEL,
                ASYNCHRONOUS_API, JDK_8),
        // ServerSocket(port) constructors and bind(SocketAddress) end in the first; the channel's socket() in the
        // second.
        bind("java/net/ServerSocket", "bind", "(Ljava/net/SocketAddress;I)V", SERVER_SOCKET, SERVER_SOCKET_API),
        bind("sun/nio/ch/ServerSocketChannelImpl", "bind",
                "(Ljava/net/SocketAddress;I)Ljava/nio/channels/ServerSocketChannel;", SERVER_SOCKET_CHANNEL,
                SERVER_SOCKET_CHANNEL_API),
        bind("sun/nio/ch/AsynchronousServerSocketChannelImpl", "bind",
                "(Ljava/net/SocketAddress;I)Ljava/nio/channels/AsynchronousServerSocketChannel;",
                ASYNCHRONOUS_SERVER_SOCKET_CHANNEL, ASYNCHRONOUS_SERVER_API),
        new HookPoint("java/lang/management/ManagementFactory", "getPlatformMBeanServer",
                "()Ljavax/management/MBeanServer;", HookKind.PLATFORM_MBEAN_SERVER, HookPoint.NO_FAMILY, "JMX", JDK_8,
                HookPoint.ANY_LATER)));

    private JdkHooks() {
    }

    @Override
    public String name() {
        return "JDK";
    }

    @Override
    public int connectionFamiliesEnd() {
        return CONNECTION_FAMILIES;
    }

    @Override
    public int serverFamiliesEnd() {
        return SERVER_FAMILIES;
    }

    @Override
    public void makeConnection(int id, InternalAccess access, ConnectionFamily[] families) {
        if (id < CONNECTION_FAMILIES) {
            makeConnectionFamily(id, access, families);
        }
    }

    @Override
    public void makeServer(int id, ServerFamily[] families) {
        if (id < SERVER_FAMILIES) {
            makeServerFamily(id, families);
        }
    }

    @Override
    public List<HookPoint> points() {
        return POINTS;
    }

    @Override
    public String[] announcingNames() {
        return new String[0];
    }

    @Override
    public LibraryHooks start(LibrarySite site) {
        return null;
    }

    private static HookPoint connect(String owner, String method, String descriptor, int family, String api,
                                     int since) {
        return new HookPoint(owner, method, descriptor, HookKind.CONNECT_COMPLETED, family, api, since,
                HookPoint.ANY_LATER);
    }

    private static HookPoint connectAndRefusals(String owner, String method, String descriptor, int family,
                                                String api) {
        return new HookPoint(owner, method, descriptor, HookKind.CONNECT_COMPLETED, family, api, JDK_8,
                HookPoint.ANY_LATER, true);
    }

    private static HookPoint bind(String owner, String method, String descriptor, int family, String api) {
        return new HookPoint(owner, method, descriptor, HookKind.SERVER_BOUND, family, api, JDK_8,
                HookPoint.ANY_LATER);
    }

    /**
     * Puts the client family with this id into {@code families[id]} (see {@link Families#makeConnection}: this class
     * loads in premain); nothing for an id that is not the JDK's.
     */
    public static void makeConnectionFamily(int id, InternalAccess access, ConnectionFamily[] families) {
        switch (id) {
            case SOCKET:
                families[id] = new SocketFamily();
                break;
            case SOCKET_CHANNEL:
                families[id] = new SocketChannelFamily(access);
                break;
            case ASYNCHRONOUS_SOCKET_CHANNEL:
                families[id] = new AsynchronousSocketChannelFamily(access);
                break;
            default:
                break;
        }
    }

    /** Puts the server family with this id into {@code families[id]}; nothing for an id that is not the JDK's. */
    public static void makeServerFamily(int id, ServerFamily[] families) {
        switch (id) {
            case SERVER_SOCKET:
                families[id] = new ServerFamily(SERVER_SOCKET, SERVER_SOCKET_API) {
                    @Override
                    public InetSocketAddress boundAddress(Object server) {
                        return inet(((ServerSocket) server).getLocalSocketAddress());
                    }
                };
                break;
            case SERVER_SOCKET_CHANNEL:
                families[id] = new ChannelServerFamily(SERVER_SOCKET_CHANNEL, SERVER_SOCKET_CHANNEL_API);
                break;
            case ASYNCHRONOUS_SERVER_SOCKET_CHANNEL:
                families[id] = new ChannelServerFamily(ASYNCHRONOUS_SERVER_SOCKET_CHANNEL, ASYNCHRONOUS_SERVER_API);
                break;
            default:
                break;
        }
    }

    private static InetSocketAddress inet(SocketAddress address) {
        return address instanceof InetSocketAddress ? (InetSocketAddress) address : null;
    }

    private static final class ChannelServerFamily extends ServerFamily {
        ChannelServerFamily(int id, String api) {
            super(id, api);
        }

        @Override
        public InetSocketAddress boundAddress(Object server) throws Exception {
            return inet(((NetworkChannel) server).getLocalAddress());
        }
    }

    /** java.net.Socket: the ports are plain fields, read without a system call or an allocation. */
    static final class SocketFamily extends ConnectionFamily {
        SocketFamily() {
            super(SOCKET, SOCKET_API);
        }

        @Override
        public boolean isTcp(Object connection) {
            return connection instanceof Socket;
        }

        @Override
        public int localPort(Object connection) {
            return ((Socket) connection).getLocalPort();
        }

        @Override
        public int remotePort(Object connection) {
            return ((Socket) connection).getPort();
        }

        @Override
        public InetAddress localAddress(Object connection) {
            return ((Socket) connection).getLocalAddress();
        }

        @Override
        public InetAddress remoteAddress(Object connection) {
            return ((Socket) connection).getInetAddress();
        }

        @Override
        public void reset(Object connection) throws Exception {
            Socket socket = (Socket) connection;
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }

    /** The families whose endpoints are socket addresses (the JDK keeps them in fields: no system call). */
    abstract static class AddressFamily extends ConnectionFamily {
        AddressFamily(int id, String api) {
            super(id, api);
        }

        abstract SocketAddress local(Object connection) throws Exception;

        abstract SocketAddress remote(Object connection) throws Exception;

        @Override
        public boolean isTcp(Object connection) throws Exception {
            return local(connection) instanceof InetSocketAddress && remote(connection) instanceof InetSocketAddress;
        }

        @Override
        public int localPort(Object connection) throws Exception {
            return ((InetSocketAddress) local(connection)).getPort();
        }

        @Override
        public int remotePort(Object connection) throws Exception {
            return ((InetSocketAddress) remote(connection)).getPort();
        }

        @Override
        public InetAddress localAddress(Object connection) throws Exception {
            return ((InetSocketAddress) local(connection)).getAddress();
        }

        @Override
        public InetAddress remoteAddress(Object connection) throws Exception {
            return ((InetSocketAddress) remote(connection)).getAddress();
        }
    }

    /**
     * SocketChannel: SO_LINGER 0, then closed; a channel still registered with a selector has its socket released at
     * once, since the JDK closes it only when that selector selects again, which an idle selector never does.
     */
    static final class SocketChannelFamily extends AddressFamily {
        private final InternalAccess access;

        SocketChannelFamily(InternalAccess access) {
            super(SOCKET_CHANNEL, SOCKET_CHANNEL_API);
            this.access = access;
        }

        @Override
        SocketAddress local(Object connection) throws Exception {
            return ((SocketChannel) connection).getLocalAddress();
        }

        @Override
        SocketAddress remote(Object connection) throws Exception {
            return ((SocketChannel) connection).getRemoteAddress();
        }

        @Override
        public void reset(Object connection) throws Exception {
            SocketChannel channel = (SocketChannel) connection;
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            if (channel.isRegistered()) {
                access.releaseSocketNow(channel);
            }
            channel.close();
        }
    }

    /**
     * AsynchronousSocketChannel: SO_LINGER is set on its file descriptor, because the channel does not offer the
     * option; the JDK closes the channel itself when the exception leaves its connect method, and closing it here,
     * inside the JDK's begin/end block, would deadlock.
     */
    static final class AsynchronousSocketChannelFamily extends AddressFamily {
        private final InternalAccess access;

        AsynchronousSocketChannelFamily(InternalAccess access) {
            super(ASYNCHRONOUS_SOCKET_CHANNEL, ASYNCHRONOUS_API);
            this.access = access;
        }

        @Override
        SocketAddress local(Object connection) throws Exception {
            return ((AsynchronousSocketChannel) connection).getLocalAddress();
        }

        @Override
        SocketAddress remote(Object connection) throws Exception {
            return ((AsynchronousSocketChannel) connection).getRemoteAddress();
        }

        @Override
        public void reset(Object connection) throws Exception {
            access.setLingerZero(connection);
        }
    }
}
