package dev.selfconnect.netty.scenarios.shaded;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A client library that ships Netty inside its own jar, relocated: the build shades this class with Netty 4.2's
 * epoll transport into {@code client-library.jar}, every {@code io.netty} renamed {@code com.example.shaded.io.netty}
 * (its native library too), so that nothing on the class path names Netty. Its event loop starts at once; its first
 * connect goes to 127.0.0.1:40000 {@code args[0]} ms after main started, which in a one-port namespace is a
 * self-connection. Every outcome is one {@code RESULT ...} line. Compiled for Java 8.
 */
public final class ShadedClient {

    private static final String SELF_HOST = "127.0.0.1";
    private static final int SELF_PORT = 40000;
    private static final long CONNECT_TIMEOUT_SECONDS = 20;

    private ShadedClient() {
    }

    public static void main(String[] args) throws Exception {
        long mainStarted = System.nanoTime();
        long connectAfterMillis = Long.parseLong(args[0]);
        System.out.println("RESULT netty package " + Epoll.class.getPackage().getName());
        if (!Epoll.isAvailable()) {
            System.out.println("RESULT unavailable " + Epoll.unavailabilityCause());
            System.exit(0);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            long waitNanos = mainStarted + TimeUnit.MILLISECONDS.toNanos(connectAfterMillis) - System.nanoTime();
            if (waitNanos > 0) {
                TimeUnit.NANOSECONDS.sleep(waitNanos);
            }
            System.out.println("RESULT connecting " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - mainStarted)
                    + " ms after main");
            ChannelFuture future = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(new InetSocketAddress(SELF_HOST, SELF_PORT));
            if (!future.await(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                System.out.println("RESULT hung");
            } else if (future.isSuccess()) {
                Channel channel = future.channel();
                System.out.println("RESULT connected local=" + text(channel.localAddress()) + " remote="
                        + text(channel.remoteAddress()));
                channel.close().await(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } else {
                Throwable cause = future.cause();
                System.out.println("RESULT failed " + cause.getClass().getName() + ": " + cause.getMessage());
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    private static String text(Object address) {
        InetSocketAddress socketAddress = (InetSocketAddress) address;
        return socketAddress.getAddress().getHostAddress() + ":" + socketAddress.getPort();
    }
}
