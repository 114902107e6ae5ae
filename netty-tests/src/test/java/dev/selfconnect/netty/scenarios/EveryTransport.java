package dev.selfconnect.netty.scenarios;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Netty application that connects to 127.0.0.1:40000 through each native transport in turn, in one JVM: Netty 4.2's
 * epoll and io_uring (on the class path), then a gRPC call through grpc-netty-shaded's relocated Netty, loaded in a
 * class loader of its own from the class path given as the argument. The settings matrix runs it once per row. Per
 * transport on stdout:
 * <pre>
 * RESULT transport NAME outcome self-connected|rejected|refused|failed DETAIL
 * RESULT transport NAME port free|busy
 * RESULT transport NAME counters CHECKS SELF_CONNECTIONS EXCEPTIONS RISKS INTERNAL_FAILURES   (or none)
 * </pre>
 * and {@code RESULT unavailable CAUSE} where the host lacks a transport. A connection the application gets is closed
 * with a reset (SO_LINGER 0) so that the next transport finds the port free; gRPC closes its own as it does, so it
 * comes last. Java 8 and later.
 */
public final class EveryTransport {

    private static final InetSocketAddress TARGET = new InetSocketAddress("127.0.0.1", NettyScenarios.PORT);
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int GRPC_DEADLINE_SECONDS = 10;
    /** How long the port check retries: io_uring's close reaches the kernel a little after its close future. */
    private static final long PORT_FREE_MILLIS = 2_000;
    /** How long a busy port is watched further, for the test's message. */
    private static final long LATE_CLOSE_SECONDS = 8;

    private EveryTransport() {
    }

    public static void main(String[] args) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (String name : new String[] {"epoll", "io_uring"}) {
            NettyScenarios.Transport transport = NettyScenarios.Transport.named(name);
            if (!transport.isAvailable()) {
                System.out.println("RESULT unavailable " + transport.unavailabilityCause());
                continue;
            }
            report(name, nettyConnect(transport), server);
        }
        report("grpc-netty-shaded", grpcInItsOwnLoader(args[0]), server);
        System.exit(0);
    }

    private static void report(String name, String outcome, MBeanServer server) throws Exception {
        System.out.println("RESULT transport " + name + " outcome " + outcome);
        System.out.println("RESULT transport " + name + " port " + (portFree() ? "free" : "busy " + whyBusy()));
        System.out.println("RESULT transport " + name + " counters " + counters(server));
    }

    private static String nettyConnect(NettyScenarios.Transport transport) throws Exception {
        EventLoopGroup group = transport.newGroup();
        try {
            ChannelFuture future = new Bootstrap().group(group).channel(transport.socketChannel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                    .handler(new ChannelInboundHandlerAdapter()).connect(TARGET);
            if (!future.await(CONNECT_TIMEOUT_MILLIS * 2L, TimeUnit.MILLISECONDS)) {
                return "failed hung";
            }
            Channel channel = future.channel();
            if (future.isSuccess()) {
                String outcome = connected(channel.localAddress(), channel.remoteAddress());
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
                channel.close().sync();
                return outcome;
            }
            channel.closeFuture().await(CONNECT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            return failure(future.cause());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    /** grpc-netty-shaded with none of the application's Netty beside it: a loader of its own, as TwoCopies does. */
    private static String grpcInItsOwnLoader(String classPath) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            urls.add(new File(entry).toURI().toURL());
        }
        URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]),
                ClassLoader.getSystemClassLoader().getParent());
        Class<?> call = Class.forName(GrpcCall.class.getName(), true, loader);
        return (String) call.getMethod("call").invoke(null);
    }

    /** A unary call to 127.0.0.1:40000, where nothing listens. */
    public static final class GrpcCall {

        private static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<String>() {
            @Override
            public InputStream stream(String value) {
                return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public String parse(InputStream stream) {
                return "a reply";
            }
        };

        private GrpcCall() {
        }

        public static String call() throws InterruptedException {
            MethodDescriptor<String, String> method = MethodDescriptor.<String, String>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("selfconnect.Echo/Say")
                    .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", NettyScenarios.PORT).usePlaintext()
                    .build();
            try {
                ClientCalls.blockingUnaryCall(channel, method,
                        CallOptions.DEFAULT.withDeadlineAfter(GRPC_DEADLINE_SECONDS, TimeUnit.SECONDS), "hello");
                return "failed a reply from nobody";
            } catch (StatusRuntimeException e) {
                String status = "status=" + e.getStatus().getCode() + " " + e.getStatus().getDescription()
                        + " cause=" + e.getStatus().getCause();
                for (Throwable c = e; c != null; c = c.getCause()) {
                    if (c.getClass().getName().equals("dev.selfconnect.SelfConnectException")) {
                        return "rejected " + status.replace('\n', ' ');
                    }
                }
                // the self-connected client reads its own HTTP/2 preface back: not a refusal
                return (e.getStatus().getCode().name().equals("UNAVAILABLE") ? "refused " : "self-connected ")
                        + status.replace('\n', ' ');
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String failure(Throwable cause) {
        String text = (cause.getClass().getName() + ": " + cause.getMessage()).replace('\n', ' ');
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c.getClass().getName().equals("dev.selfconnect.SelfConnectException")) {
                return "rejected " + text;
            }
        }
        return (cause instanceof ConnectException ? "refused " : "failed ") + text;
    }

    private static String connected(java.net.SocketAddress local, java.net.SocketAddress remote) {
        String l = text(local);
        String r = text(remote);
        return (l.equals(r) ? "self-connected " : "connected ") + "local=" + l + " remote=" + r;
    }

    private static String text(java.net.SocketAddress address) {
        InetSocketAddress inet = (InetSocketAddress) address;
        return inet.getAddress().getHostAddress() + ":" + inet.getPort();
    }

    private static boolean portFree() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PORT_FREE_MILLIS);
        do {
            try (ServerSocket server = new ServerSocket()) {
                server.setReuseAddress(false);
                server.bind(TARGET);
                return true;
            } catch (java.io.IOException busy) {
                Thread.sleep(50);
            }
        } while (System.nanoTime() < deadline);
        return false;
    }

    /**
     * For the test's message: the bind's error, the sockets the kernel's table shows on the port, and how much longer
     * the port stayed busy (a close that comes late, or TIME_WAIT).
     */
    private static String whyBusy() throws InterruptedException {
        String error = "";
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(false);
            server.bind(TARGET);
        } catch (java.io.IOException e) {
            error = e.toString();
        }
        String sockets = socketsOnPort();
        long start = System.nanoTime();
        boolean freed = false;
        while (!freed && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(LATE_CLOSE_SECONDS)) {
            freed = portFree();
        }
        return "(" + error + "; sockets " + sockets + "; " + socketsNotInTheTable() + "; " + (freed ? "free " + (System.nanoTime() - start) / 1_000_000
                + " ms later" : "still busy " + LATE_CLOSE_SECONDS + " s later") + ")";
    }

    /** This JVM's socket descriptors whose sockets /proc/net/tcp and tcp6 do not list (unbound, or bound and closed). */
    private static String socketsNotInTheTable() {
        try {
            java.util.Set<String> listed = new java.util.HashSet<>();
            for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "/proc/net/udp6",
                    "/proc/net/unix", "/proc/net/netlink"}) {
                for (String line : java.nio.file.Files.readAllLines(java.nio.file.Paths.get(table))) {
                    for (String field : line.trim().split("\\s+")) {
                        listed.add(field);
                    }
                }
            }
            int unlisted = 0;
            try (java.nio.file.DirectoryStream<java.nio.file.Path> fds =
                         java.nio.file.Files.newDirectoryStream(java.nio.file.Paths.get("/proc/self/fd"))) {
                for (java.nio.file.Path fd : fds) {
                    String target = java.nio.file.Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && !listed.contains(target.substring(8, target.length() - 1))) {
                        unlisted++;
                    }
                }
            }
            return unlisted + " socket descriptor(s) of this JVM not in the kernel's tables";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** What holds the port, from the kernel's tables: "local remote state" per socket (as in /proc/net/tcp, tcp6). */
    private static String socketsOnPort() {
        String port = String.format(":%04X", NettyScenarios.PORT);
        StringBuilder sockets = new StringBuilder("[");
        try {
            for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
                for (String line : java.nio.file.Files.readAllLines(java.nio.file.Paths.get(table))) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length > 3 && (fields[1].endsWith(port) || fields[2].endsWith(port))) {
                        sockets.append(sockets.length() > 1 ? ", " : "").append(fields[1]).append(' ')
                                .append(fields[2]).append(" st=").append(fields[3]);
                    }
                }
            }
        } catch (java.io.IOException e) {
            sockets.append(e);
        }
        return sockets.append(']').toString();
    }

    private static String counters(MBeanServer server) throws Exception {
        ObjectName name = new ObjectName("selfconnect:type=Agent");
        if (!server.isRegistered(name)) {
            return "none";
        }
        StringBuilder values = new StringBuilder();
        for (String attribute : new String[] {"Checks", "SelfConnections", "ExceptionsThrown", "RisksFound",
                "InternalFailures"}) {
            values.append(values.length() == 0 ? "" : " ").append(server.getAttribute(name, attribute));
        }
        return values.toString();
    }
}
