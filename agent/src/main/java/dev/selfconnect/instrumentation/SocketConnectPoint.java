package dev.selfconnect.instrumentation;

import sun.nio.ch.SelfConnectBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

import java.io.IOException;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code java.net.Socket.connect(SocketAddress, int)}: every other connect overload, the connecting constructors,
 * HttpURLConnection and SSL sockets end up there. The socket adaptor of a SocketChannel overrides it and is
 * covered by {@link SocketChannelConnectPoint}.
 */
final class SocketConnectPoint implements ConnectPoint {

    @Override
    public String className() {
        return "java.net.Socket";
    }

    @Override
    public AsmVisitorWrapper advice() {
        return Advice.to(ConnectAdvice.class).on(named("connect")
                .and(takesArguments(2))
                .and(takesArgument(0, named("java.net.SocketAddress")))
                .and(takesArgument(1, int.class)));
    }

    static final class ConnectAdvice {
        private ConnectAdvice() {
        }

        @Advice.OnMethodExit
        static void afterConnect(@Advice.This Object socket) throws IOException {
            SelfConnectBridge.afterConnect(socket, "Socket");
        }
    }
}
