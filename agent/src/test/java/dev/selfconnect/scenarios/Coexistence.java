package dev.selfconnect.scenarios;

import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.ProtectionDomain;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * An application that shares its JVM with other tools: before it connects it may mock {@code java.net.Socket} with
 * Mockito's inline mock maker (which retransforms Socket) and retransform Socket with Byte Buddy Advice of its own,
 * through Byte Buddy's self-attach; other agents (JaCoCo, the OpenTelemetry agent) come from the command line. Then,
 * in a one-port range 40000, it connects to 127.0.0.1:40000 through the four JDK APIs (each self-connects at once),
 * tries to bind 40000 after each, and makes one legitimate connection to a server of its own on 127.0.0.1:5555.
 * Usage: {@code Coexistence [mockito] [bytebuddy]}; prints {@code RESULT} lines.
 */
public final class Coexistence {

    private static final InetSocketAddress SELF = new InetSocketAddress("127.0.0.1", 40000);
    private static final String ADVICE_CALLS = "coexistence.advice.calls";

    private Coexistence() {
    }

    public static void main(String[] args) throws Exception {
        for (String tool : args) {
            if (tool.equals("mockito")) {
                mockito();
            } else if (tool.equals("bytebuddy")) {
                byteBuddy();
            } else {
                throw new IllegalArgumentException(tool);
            }
        }
        for (String api : new String[] {"socket", "channel-blocking", "channel-nonblocking", "async"}) {
            try {
                connect(api);
                System.out.println("RESULT " + api + " connected");
            } catch (Throwable e) {
                System.out.println("RESULT " + api + " exception " + e);
            }
            System.out.println("RESULT " + api + " " + (bindable() ? "port-free" : "port-held"));
        }
        legitimate();
        if (System.getProperties().get(ADVICE_CALLS) != null) {
            System.out.println("RESULT bytebuddy advice-calls " + System.getProperties().get(ADVICE_CALLS));
        }
        System.out.flush();
    }

    /** A mock of java.net.Socket whose isConnected is stubbed; its connect does nothing. */
    private static void mockito() throws Exception {
        Class<?> mockito = Class.forName("org.mockito.Mockito");
        Socket mock = (Socket) mockito.getMethod("mock", Class.class).invoke(null, Socket.class);
        Object stubbing = mockito.getMethod("when", Object.class).invoke(null, mock.isConnected());
        Method thenReturn = Class.forName("org.mockito.stubbing.OngoingStubbing").getMethod("thenReturn",
                Object.class);
        thenReturn.invoke(stubbing, Boolean.TRUE);
        mock.connect(SELF, 1000);
        System.out.println("RESULT mockito mock " + (mock.isConnected() && new Socket().isConnected() == false
                ? "works" : "does not work"));
    }

    /** Byte Buddy of the application's own retransforms java.net.Socket: Advice that counts calls to connect. */
    private static void byteBuddy() {
        new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.Listener.StreamWriting.toSystemError().withErrorsOnly())
                .ignore(none())
                .type(named("java.net.Socket"))
                .transform(new AgentBuilder.Transformer() {
                    @Override
                    public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
                            ClassLoader loader, JavaModule module, ProtectionDomain domain) {
                        return builder.visit(Advice.to(CountConnects.class)
                                .on(named("connect").and(takesArguments(2))));
                    }
                })
                .installOn(ByteBuddyAgent.install());
        System.out.println("RESULT bytebuddy installed");
    }

    /** Inlined into java.net.Socket, a class of the boot loader: it can refer to nothing of the application's. */
    public static final class CountConnects {
        @Advice.OnMethodEnter
        static void enter() {
            Object calls = System.getProperties().get("coexistence.advice.calls");
            System.getProperties().put("coexistence.advice.calls",
                    calls == null ? Integer.valueOf(1) : Integer.valueOf((Integer) calls + 1));
        }
    }

    private static void connect(String api) throws Throwable {
        if (api.equals("socket")) {
            Socket socket = new Socket();
            try {
                socket.connect(SELF, 2000);
                report(socket.getLocalSocketAddress(), socket.getRemoteSocketAddress());
            } finally {
                socket.close();
            }
        } else if (api.equals("channel-blocking")) {
            SocketChannel channel = SocketChannel.open();
            try {
                channel.connect(SELF);
                report(channel.getLocalAddress(), channel.getRemoteAddress());
            } finally {
                channel.close();
            }
        } else if (api.equals("channel-nonblocking")) {
            Selector selector = Selector.open();
            SocketChannel channel = SocketChannel.open();
            try {
                channel.configureBlocking(false);
                if (!channel.connect(SELF)) {
                    channel.register(selector, SelectionKey.OP_CONNECT);
                    selector.select(2000);
                    channel.finishConnect();
                }
                report(channel.getLocalAddress(), channel.getRemoteAddress());
            } finally {
                channel.close();
                selector.close();
            }
        } else {
            AsynchronousSocketChannel channel = AsynchronousSocketChannel.open();
            try {
                channel.connect(SELF).get(2, TimeUnit.SECONDS);
                report(channel.getLocalAddress(), channel.getRemoteAddress());
            } catch (ExecutionException e) {
                throw e.getCause();
            } finally {
                channel.close();
            }
        }
    }

    private static void report(SocketAddress local, SocketAddress remote) {
        System.out.println("RESULT connected local=" + local + " remote=" + remote);
    }

    private static boolean bindable() {
        try {
            ServerSocket server = new ServerSocket();
            try {
                server.setReuseAddress(false);
                server.bind(SELF);
                return true;
            } finally {
                server.close();
            }
        } catch (Exception e) {
            return false;
        }
    }

    /** A connection to a server of the application's own, outside the ephemeral range: one byte each way. */
    private static void legitimate() {
        try {
            ServerSocket server = new ServerSocket();
            try {
                server.bind(new InetSocketAddress("127.0.0.1", 5555));
                Socket client = new Socket();
                try {
                    client.connect(server.getLocalSocketAddress(), 2000);
                    Socket accepted = server.accept();
                    try {
                        OutputStream toServer = client.getOutputStream();
                        toServer.write(42);
                        toServer.flush();
                        InputStream atServer = accepted.getInputStream();
                        accepted.getOutputStream().write(atServer.read() + 1);
                        System.out.println("RESULT legitimate " + (client.getInputStream().read() == 43
                                ? "works" : "does not work"));
                    } finally {
                        accepted.close();
                    }
                } finally {
                    client.close();
                }
            } finally {
                server.close();
            }
        } catch (Exception e) {
            System.out.println("RESULT legitimate exception " + e);
        }
    }
}
