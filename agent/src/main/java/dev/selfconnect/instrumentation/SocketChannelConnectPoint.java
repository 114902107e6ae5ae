package dev.selfconnect.instrumentation;

import sun.nio.ch.SelfConnectBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code sun.nio.ch.SocketChannelImpl}: a blocking or immediate {@code connect} that returns true, a
 * {@code finishConnect} that completes a pending connect, and {@code blockingConnect}, through which the socket
 * adaptor ({@code SocketChannel.socket().connect}) connects on JDK 11 and later.
 */
final class SocketChannelConnectPoint implements ConnectPoint {

    @Override
    public String className() {
        return "sun.nio.ch.SocketChannelImpl";
    }

    @Override
    public AsmVisitorWrapper advice() {
        return new AsmVisitorWrapper.Compound(
                Advice.to(ConnectAdvice.class).on(returns(boolean.class).and(
                        named("connect").and(takesArguments(1)).and(takesArgument(0, named("java.net.SocketAddress")))
                                .or(named("finishConnect").and(takesArguments(0))))),
                Advice.to(BlockingConnectAdvice.class).on(named("blockingConnect")
                        .and(takesArguments(2))
                        .and(takesArgument(0, named("java.net.SocketAddress")))
                        .and(takesArgument(1, long.class))));
    }

    static final class ConnectAdvice {
        private ConnectAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static boolean wasUnconnected(@Advice.This SocketChannel channel) {
            return !channel.isConnected();
        }

        @Advice.OnMethodExit
        static void afterConnect(@Advice.This Object channel, @Advice.Enter boolean wasUnconnected,
                                 @Advice.Return boolean connected) throws IOException {
            if (wasUnconnected && connected) {
                SelfConnectBridge.afterConnect(channel, "SocketChannel");
            }
        }
    }

    static final class BlockingConnectAdvice {
        private BlockingConnectAdvice() {
        }

        @Advice.OnMethodExit
        static void afterConnect(@Advice.This Object channel) throws IOException {
            SelfConnectBridge.afterConnect(channel, "SocketChannel");
        }
    }
}
