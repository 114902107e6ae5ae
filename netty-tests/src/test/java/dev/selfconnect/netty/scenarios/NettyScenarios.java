package dev.selfconnect.netty.scenarios;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A Netty application for the tests, run in a child JVM inside a one-port namespace. It names Netty's classes by
 * string where they differ between Netty 4.1, 4.2 and the io_uring incubator, so one build runs on each copy.
 * <pre>
 *   NettyScenarios TRANSPORT HOW TARGET [late]
 *     TRANSPORT: epoll | epoll-legacy | io_uring | io_uring-incubator
 *     HOW:       bootstrap | raw
 *     TARGET:    self (127.0.0.1:40000, nothing listens) | self6 ([::1]:40000) | server (a server of the same
 *                transport on 40000) | server0 (the same, on a port the kernel picks) | refused (a port outside the range) | domain (a Unix domain socket pair)
 *                | timeout (10.77.0.2:40000 behind a veth whose peer never answers; 1 s connect timeout)
 *                | wait (connect to self each time a line arrives on stdin; closes what connected)
 *     late:      first wait until the agent's startup thread has ended ({@code RESULT late: ...})
 * </pre>
 * Every outcome is one {@code RESULT ...} line on standard output. Compiled for Java 8, as are the other scenarios:
 * the tests run them on every JDK.
 */
public final class NettyScenarios {

    static final int PORT = 40000;
    static final int REFUSED_PORT = 50000;

    private final Transport transport;
    private int connectTimeoutMillis = 15_000;

    private NettyScenarios(Transport transport) {
        this.transport = transport;
    }

    public static void main(String[] args) throws Exception {
        run(args);
        System.exit(0);
    }

    /** Also called by {@link TwoCopies} in each of its class loaders. */
    public static void run(String[] args) throws Exception {
        if (args.length > 3 && args[3].equals("late")) {
            AgentStartup.await();
        }
        Transport transport = Transport.named(args[0]);
        if (!transport.isAvailable()) {
            System.out.println("RESULT unavailable " + transport.unavailabilityCause());
            return;
        }
        new NettyScenarios(transport).scenario(args[1], args[2]);
    }

    private void scenario(String how, String target) throws Exception {
        EventLoopGroup group = transport.newGroup();
        try {
            switch (target) {
                case "self":
                    connectAndReport(group, how, new InetSocketAddress("127.0.0.1", PORT), true);
                    break;
                case "self6":
                    connectAndReport(group, how, new InetSocketAddress("::1", PORT), true);
                    break;
                case "refused":
                    connectAndReport(group, how, new InetSocketAddress("127.0.0.1", REFUSED_PORT), false);
                    break;
                case "timeout":
                    connectTimeoutMillis = 1_000;
                    connectAndReport(group, how, new InetSocketAddress("10.77.0.2", PORT), false);
                    break;
                case "server":
                    toServer(group, how, PORT);
                    break;
                case "server0":
                    toServer(group, how, 0);
                    break;
                case "domain":
                    domainSockets(group);
                    break;
                case "wait":
                    String jvm = ManagementFactory.getRuntimeMXBean().getName();
                    System.out.println("READY pid=" + jvm.substring(0, jvm.indexOf('@')) + " " + transport.name);
                    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                    for (String line; (line = in.readLine()) != null && !line.equals("quit"); ) {
                        Channel channel = connectAndReport(group, how, new InetSocketAddress("127.0.0.1", PORT),
                                true);
                        if (channel.isActive()) {
                            channel.config().setOption(ChannelOption.SO_LINGER, 0);
                            channel.close().sync();
                        }
                        System.out.println("DONE");
                    }
                    break;
                default:
                    throw new IllegalArgumentException(target);
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    private Channel connectAndReport(EventLoopGroup group, String how, InetSocketAddress remote, boolean checkPort)
            throws Exception {
        ActiveWatch watch = new ActiveWatch();
        ChannelFuture future = connect(group, how, remote, watch);
        boolean done = future.await(20, TimeUnit.SECONDS);
        Channel channel = future.channel();
        if (!done) {
            System.out.println("RESULT hung");
        } else if (future.isSuccess()) {
            System.out.println("RESULT connected local=" + text(channel.localAddress()) + " remote="
                    + text(channel.remoteAddress()));
        } else {
            Throwable cause = future.cause();
            System.out.println("RESULT failed " + cause.getClass().getName() + ": " + cause.getMessage());
        }
        // channelActive would have fired before the connect future completes: the event loop has run it by now.
        channel.eventLoop().submit(() -> { }).await(10, TimeUnit.SECONDS);
        System.out.println("RESULT channelActive=" + watch.active);
        if (!future.isSuccess()) {
            boolean closed = channel.closeFuture().await(10, TimeUnit.SECONDS);
            System.out.println("RESULT closed=" + closed);
            if (checkPort) {
                System.out.println("RESULT port " + portState(remote));
            }
        }
        return channel;
    }

    private ChannelFuture connect(EventLoopGroup group, String how, SocketAddress remote, ChannelHandler handler)
            throws Exception {
        if (how.equals("bootstrap")) {
            return new Bootstrap().group(group).channel(transport.socketChannel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis).handler(handler).connect(remote);
        }
        if (!how.equals("raw")) {
            throw new IllegalArgumentException(how);
        }
        Channel channel = transport.socketChannel().getDeclaredConstructor().newInstance();
        channel.config().setConnectTimeoutMillis(connectTimeoutMillis);
        channel.pipeline().addLast(handler);
        group.register(channel).sync();
        return channel.connect(remote);
    }

    /**
     * "free", or "free after N ms" if the channel's close reached the kernel only after its close future completed
     * (io_uring closes asynchronously: seen once in about twenty runs of the incubator), or "busy" after 2 s (a port in
     * TIME_WAIT stays busy for a minute).
     */
    private static String portState(InetSocketAddress remote) throws InterruptedException {
        long start = System.nanoTime();
        for (int attempt = 0; attempt < 40; attempt++) {
            if (portIsFree(remote)) {
                return attempt == 0 ? "free" : "free after " + (System.nanoTime() - start) / 1_000_000 + " ms";
            }
            Thread.sleep(50);
        }
        return "busy";
    }

    /** Binds the port as a restarting server would: without SO_REUSEADDR, so TIME_WAIT would block it. */
    private static boolean portIsFree(InetSocketAddress remote) {
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(false);
            server.bind(new InetSocketAddress(remote.getAddress(), remote.getPort()));
            return true;
        } catch (java.io.IOException busy) {
            return false;
        }
    }

    private void toServer(EventLoopGroup group, String how, int port) throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(new ChannelInboundHandlerAdapter()).bind("127.0.0.1", port).sync().channel();
        try {
            connectAndReport(group, how, (InetSocketAddress) server.localAddress(), false);
        } finally {
            server.close().sync();
        }
    }

    private void domainSockets(EventLoopGroup group) throws Exception {
        Path dir = Files.createTempDirectory("selfconnect-netty");
        Path path = dir.resolve("socket");
        SocketAddress address = transport.domainAddress(path.toString());
        Channel server = new ServerBootstrap().group(group).channel(transport.domainServerChannel())
                .childHandler(new ChannelInboundHandlerAdapter()).bind(address).sync().channel();
        try {
            ActiveWatch watch = new ActiveWatch();
            ChannelFuture future = new Bootstrap().group(group).channel(transport.domainChannel()).handler(watch)
                    .connect(address);
            future.await(20, TimeUnit.SECONDS);
            System.out.println(future.isSuccess() ? "RESULT connected domain"
                    : "RESULT failed " + future.cause());
            future.channel().close().sync();
        } finally {
            server.close().sync();
            Files.deleteIfExists(path);
            Files.deleteIfExists(dir);
        }
    }

    private static String text(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    @ChannelHandler.Sharable
    private static final class ActiveWatch extends ChannelInboundHandlerAdapter {
        volatile boolean active;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active = true;
            ctx.fireChannelActive();
        }
    }

    /** One Netty native transport, named by string so that the same code runs on Netty 4.1, 4.2 and the incubator. */
    static final class Transport {
        final String name;
        private final String availability;
        private final String group;
        private final String ioHandler;
        private final String socket;
        private final String server;
        private final String domainSocket;
        private final String domainServer;

        private Transport(String name, String availability, String group, String ioHandler, String socket,
                          String server, String domainSocket, String domainServer) {
            this.name = name;
            this.availability = availability;
            this.group = group;
            this.ioHandler = ioHandler;
            this.socket = socket;
            this.server = server;
            this.domainSocket = domainSocket;
            this.domainServer = domainServer;
        }

        static Transport named(String name) {
            String epoll = "io.netty.channel.epoll.";
            String uring = "io.netty.channel.uring.";
            String incubator = "io.netty.incubator.channel.uring.";
            switch (name) {
                case "epoll":
                    return new Transport(name, epoll + "Epoll", "io.netty.channel.MultiThreadIoEventLoopGroup",
                            epoll + "EpollIoHandler", epoll + "EpollSocketChannel", epoll + "EpollServerSocketChannel",
                            epoll + "EpollDomainSocketChannel", epoll + "EpollServerDomainSocketChannel");
                case "epoll-legacy":
                    return new Transport(name, epoll + "Epoll", epoll + "EpollEventLoopGroup", null,
                            epoll + "EpollSocketChannel", epoll + "EpollServerSocketChannel",
                            epoll + "EpollDomainSocketChannel", epoll + "EpollServerDomainSocketChannel");
                case "io_uring":
                    return new Transport(name, uring + "IoUring", "io.netty.channel.MultiThreadIoEventLoopGroup",
                            uring + "IoUringIoHandler", uring + "IoUringSocketChannel",
                            uring + "IoUringServerSocketChannel", uring + "IoUringDomainSocketChannel",
                            uring + "IoUringServerDomainSocketChannel");
                case "io_uring-incubator":
                    return new Transport(name, incubator + "IOUring", incubator + "IOUringEventLoopGroup", null,
                            incubator + "IOUringSocketChannel", incubator + "IOUringServerSocketChannel", null, null);
                default:
                    throw new IllegalArgumentException("unknown transport " + name);
            }
        }

        boolean isAvailable() throws ReflectiveOperationException {
            return (Boolean) load(availability).getMethod("isAvailable").invoke(null);
        }

        String unavailabilityCause() throws ReflectiveOperationException {
            Object cause = load(availability).getMethod("unavailabilityCause").invoke(null);
            return String.valueOf(cause).replace('\n', ' ');
        }

        EventLoopGroup newGroup() throws ReflectiveOperationException {
            Class<?> groupClass = load(group);
            if (ioHandler == null) {
                return (EventLoopGroup) groupClass.getConstructor(int.class).newInstance(1);
            }
            Class<?> factory = load("io.netty.channel.IoHandlerFactory");
            Object handlerFactory = load(ioHandler).getMethod("newFactory").invoke(null);
            return (EventLoopGroup) groupClass.getConstructor(int.class, factory).newInstance(1, handlerFactory);
        }

        @SuppressWarnings("unchecked")
        Class<? extends Channel> socketChannel() throws ClassNotFoundException {
            return (Class<? extends Channel>) load(socket);
        }

        @SuppressWarnings("unchecked")
        Class<? extends ServerChannel> serverChannel() throws ClassNotFoundException {
            return (Class<? extends ServerChannel>) load(server);
        }

        @SuppressWarnings("unchecked")
        Class<? extends Channel> domainChannel() throws ClassNotFoundException {
            return (Class<? extends Channel>) load(requireDomain(domainSocket));
        }

        @SuppressWarnings("unchecked")
        Class<? extends ServerChannel> domainServerChannel() throws ClassNotFoundException {
            return (Class<? extends ServerChannel>) load(requireDomain(domainServer));
        }

        SocketAddress domainAddress(String path) throws ReflectiveOperationException {
            return (SocketAddress) load("io.netty.channel.unix.DomainSocketAddress").getConstructor(String.class)
                    .newInstance(path);
        }

        private String requireDomain(String className) {
            if (className == null) {
                throw new IllegalArgumentException(name + ": no domain-socket channel in this scenario");
            }
            return className;
        }

        private static Class<?> load(String className) throws ClassNotFoundException {
            return Class.forName(className, true, NettyScenarios.class.getClassLoader());
        }
    }
}
