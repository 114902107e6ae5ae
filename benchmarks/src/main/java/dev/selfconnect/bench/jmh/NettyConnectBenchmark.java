package dev.selfconnect.bench.jmh;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * The Netty epoll connect path, which the agent checks at the entry of the epoll unsafe's
 * {@code fulfillConnectPromise}: per operation, a Netty 4.2 {@code EpollSocketChannel} (its own one-thread
 * {@code MultiThreadIoEventLoopGroup} with {@code EpollIoHandler}) connects to a Netty epoll server on 127.0.0.1 and
 * closes; the benchmark thread waits for both. The server listens on the first free port below the ephemeral range
 * and closes each accepted channel at once; the client closes with SO_LINGER 0, so no TIME_WAIT piles up (see
 * {@link dev.selfconnect.bench.ConnectPath}). As for {@link ConnectBenchmark}, the suite forks it with and without
 * the agent; {@code -Dbench.agentClass} and {@code -Dbench.agentExpected} are checked the same way.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class NettyConnectBenchmark {

    /** Only for the suite's labels: the Netty epoll path, to a server on a fixed port. */
    @Param({"NETTY_EPOLL"})
    public String path;

    @Param({"fixed"})
    public String server;

    private EventLoopGroup serverGroup;
    private EventLoopGroup clientGroup;
    private Channel serverChannel;
    private Bootstrap client;
    private InetSocketAddress address;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ConnectBenchmark.checkAgent();
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("Netty epoll is not available here", Epoll.unavailabilityCause());
        }
        serverGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        clientGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ServerBootstrap serverBootstrap = new ServerBootstrap().group(serverGroup)
                .channel(EpollServerSocketChannel.class).option(ChannelOption.SO_BACKLOG, 4096)
                .childHandler(new CloseAtOnce());
        serverChannel = bindBelowEphemeralRange(serverBootstrap);
        address = (InetSocketAddress) serverChannel.localAddress();
        client = new Bootstrap().group(clientGroup).channel(EpollSocketChannel.class)
                .option(ChannelOption.SO_LINGER, 0).handler(new Nothing());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        serverChannel.close().sync();
        clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Benchmark
    public void connectClose() throws Exception {
        client.connect(address).sync().channel().close().sync();
    }

    @ChannelHandler.Sharable
    private static final class CloseAtOnce extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }

    @ChannelHandler.Sharable
    private static final class Nothing extends ChannelInboundHandlerAdapter {
    }

    private static Channel bindBelowEphemeralRange(ServerBootstrap bootstrap) throws Exception {
        int low = Integer.parseInt(Files.readAllLines(Paths.get("/proc/sys/net/ipv4/ip_local_port_range")).get(0)
                .trim().split("\\s+")[0]);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int port = Math.min(19000, low - 1); port > 1024; port--) {
            try {
                return bootstrap.bind(loopback, port).sync().channel();
            } catch (Exception taken) {
                // try the next one down
            }
        }
        throw new IllegalStateException("no free port below " + low);
    }
}
