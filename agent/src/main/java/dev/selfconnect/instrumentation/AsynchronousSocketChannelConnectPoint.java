package dev.selfconnect.instrumentation;

import sun.nio.ch.SelfConnectBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

import java.io.IOException;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code sun.nio.ch.UnixAsynchronousSocketChannelImpl.setConnected()}: called both when a connect completes at
 * once and when a pending one completes. An exception thrown there fails the Future or the CompletionHandler, and
 * the JDK closes the channel.
 */
final class AsynchronousSocketChannelConnectPoint implements ConnectPoint {

    @Override
    public String className() {
        return "sun.nio.ch.UnixAsynchronousSocketChannelImpl";
    }

    @Override
    public AsmVisitorWrapper advice() {
        return Advice.to(SetConnectedAdvice.class).on(named("setConnected").and(takesArguments(0)));
    }

    static final class SetConnectedAdvice {
        private SetConnectedAdvice() {
        }

        @Advice.OnMethodExit
        static void afterConnect(@Advice.This Object channel) throws IOException {
            SelfConnectBridge.afterConnect(channel, "AsynchronousSocketChannel");
        }
    }
}
