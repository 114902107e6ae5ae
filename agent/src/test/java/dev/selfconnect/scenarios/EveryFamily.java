package dev.selfconnect.scenarios;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.net.URL;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An ordinary application that connects to 127.0.0.1:40000 through every JDK API family in turn, in one JVM: the
 * settings matrix runs it once per combination. Each family runs on a thread named {@code matrix-FAMILY} (the
 * asynchronous channels in a group whose threads are named so too), so that the agent's records, which name the
 * thread, can be told apart; HttpClient connects on its own selector thread. Per family it prints on stdout:
 * <pre>
 * RESULT family NAME outcome self-connected|rejected|refused|unavailable|failed DETAIL
 * RESULT family NAME port free|busy          (a bind without SO_REUSEADDR right after the family's close)
 * RESULT family NAME counters CHECKS SELF_CONNECTIONS EXCEPTIONS RISKS INTERNAL_FAILURES   (the agent's MBean)
 * </pre>
 * The first family given as the argument makes the first connect to the port, the one a risk finding names.
 * A connection the application gets is closed with a reset (SO_LINGER 0), as the demo app does, so that the next family
 * finds the port free; the HTTP clients close theirs as they do, so they come last. Java 8 and later.
 */
public final class EveryFamily {

    private static final InetSocketAddress TARGET = new InetSocketAddress("127.0.0.1", 40000);
    private static final String THREAD_PREFIX = "matrix-";
    private static final long CONNECT_SECONDS = 5;
    private static final int HTTP_TIMEOUT_MILLIS = 1000;
    /** How long the port check retries a bind: a reset frees the port at once, so only a little slack. */
    private static final long PORT_FREE_MILLIS = 500;
    /** The age at which the kernel lets a connect over loopback take over a TIME_WAIT socket, and a margin. */
    private static final long TIME_WAIT_REUSE_MILLIS = 1200;
    /** Time for a byte sent over loopback to arrive in the receive buffer. */
    private static final long UNREAD_BYTE_MILLIS = 20;

    static final String[] FAMILIES = {"socket", "channel-blocking", "channel-nonblocking", "channel-adaptor",
            "async-future", "async-handler", "http-url-connection", "http-client"};

    private EveryFamily() {
    }

    interface Family {
        /** Connects; returns the outcome line's tail when it returns normally. */
        String run() throws Throwable;
    }

    /**
     * @param args optionally the family to start with: the others follow in their order, the HTTP clients last
     */
    public static void main(String[] args) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        boolean portWasFree = true;
        for (String name : order(args.length > 0 ? args[0] : FAMILIES[0])) {
            if (!portWasFree) {
                // The HTTP clients close as they do: their self-connection leaves the port in TIME_WAIT, which a
                // connect over loopback may take over once it is a second old (net.ipv4.tcp_tw_reuse=2).
                Thread.sleep(TIME_WAIT_REUSE_MILLIS);
            }
            final Family family = family(name);
            final AtomicReference<String> outcome = new AtomicReference<>();
            Thread thread = new Thread(() -> outcome.set(outcome(family)), THREAD_PREFIX + name);
            thread.start();
            thread.join(TimeUnit.SECONDS.toMillis(30));
            System.out.println("RESULT family " + name + " outcome "
                    + (thread.isAlive() ? "failed hung" : outcome.get()));
            portWasFree = portFree();
            System.out.println("RESULT family " + name + " port " + (portWasFree ? "free" : "busy"));
            System.out.println("RESULT family " + name + " counters " + counters(server));
        }
    }

    /** The families from this one on, then those before it, the HTTP clients last wherever the start is. */
    static java.util.List<String> order(String first) {
        java.util.List<String> resettable = new java.util.ArrayList<>();
        java.util.List<String> http = new java.util.ArrayList<>();
        for (String name : FAMILIES) {
            (name.startsWith("http") ? http : resettable).add(name);
        }
        int start = resettable.indexOf(first);
        if (start < 0) {
            throw new IllegalArgumentException("no family to start with named " + first);
        }
        java.util.List<String> order = new java.util.ArrayList<>(resettable.subList(start, resettable.size()));
        order.addAll(resettable.subList(0, start));
        order.addAll(http);
        return order;
    }

    private static String outcome(Family family) {
        try {
            return family.run();
        } catch (Throwable t) {
            Throwable cause = t instanceof ExecutionException && t.getCause() != null ? t.getCause() : t;
            for (Throwable c = cause; c != null; c = c.getCause()) {
                if (c.getClass().getName().equals("dev.selfconnect.SelfConnectException")) {
                    return "rejected " + describe(cause);
                }
            }
            if (cause instanceof ConnectException) {
                return "refused " + describe(cause);
            }
            return "failed " + describe(cause);
        }
    }

    private static String describe(Throwable t) {
        StringBuilder chain = new StringBuilder(t.getClass().getName() + ": " + t.getMessage());
        for (Throwable cause = t.getCause(); cause != null; cause = cause.getCause()) {
            chain.append(" | cause ").append(cause.getClass().getName()).append(": ").append(cause.getMessage());
        }
        return chain.toString().replace('\n', ' ');
    }

    private static Family family(String name) {
        switch (name) {
            case "socket":
                return () -> {
                    Socket socket = new Socket();
                    try {
                        socket.connect(TARGET);
                        return connected(socket.getLocalSocketAddress(), socket.getRemoteSocketAddress());
                    } finally {
                        reset(socket);
                    }
                };
            case "channel-blocking":
                return () -> {
                    SocketChannel channel = SocketChannel.open();
                    try {
                        channel.connect(TARGET);
                        return connected(channel.getLocalAddress(), channel.getRemoteAddress());
                    } finally {
                        reset(channel);
                    }
                };
            case "channel-nonblocking":
                return EveryFamily::nonBlocking;
            case "channel-adaptor":
                return () -> {
                    SocketChannel channel = SocketChannel.open();
                    try {
                        channel.socket().connect(TARGET, (int) TimeUnit.SECONDS.toMillis(CONNECT_SECONDS));
                        return connected(channel.getLocalAddress(), channel.getRemoteAddress());
                    } finally {
                        reset(channel);
                    }
                };
            case "async-future":
                return () -> asynchronous(name, false);
            case "async-handler":
                return () -> asynchronous(name, true);
            case "http-url-connection":
                return EveryFamily::httpUrlConnection;
            case "http-client":
                return EveryFamily::httpClient;
            default:
                throw new IllegalArgumentException(name);
        }
    }

    private static String nonBlocking() throws IOException {
        SocketChannel channel = SocketChannel.open();
        try (Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            if (!channel.connect(TARGET)) {
                channel.register(selector, SelectionKey.OP_CONNECT);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONNECT_SECONDS);
                while (!channel.finishConnect()) {
                    if (System.nanoTime() > deadline) {
                        return "failed finishConnect did not complete";
                    }
                    selector.select(100);
                }
            }
            return connected(channel.getLocalAddress(), channel.getRemoteAddress());
        } finally {
            reset(channel);
        }
    }

    /** In a group of its own, whose threads carry the family's name. */
    private static String asynchronous(String name, boolean withHandler) throws Throwable {
        ExecutorService threads = Executors.newFixedThreadPool(1, r -> new Thread(r, THREAD_PREFIX + name + "-group"));
        AsynchronousChannelGroup group = AsynchronousChannelGroup.withThreadPool(threads);
        try {
            AsynchronousSocketChannel channel = AsynchronousSocketChannel.open(group);
            try {
                if (withHandler) {
                    final CompletableFuture<Void> done = new CompletableFuture<>();
                    channel.connect(TARGET, null, new CompletionHandler<Void, Void>() {
                        @Override
                        public void completed(Void result, Void attachment) {
                            done.complete(null);
                        }

                        @Override
                        public void failed(Throwable exc, Void attachment) {
                            done.completeExceptionally(exc);
                        }
                    });
                    done.get(CONNECT_SECONDS, TimeUnit.SECONDS);
                } else {
                    channel.connect(TARGET).get(CONNECT_SECONDS, TimeUnit.SECONDS);
                }
                return connected(channel.getLocalAddress(), channel.getRemoteAddress());
            } finally {
                reset(channel);
            }
        } finally {
            group.shutdownNow();
            group.awaitTermination(CONNECT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Connected, the request then reads itself back as the response: the exchange fails after the connect. */
    private static String httpUrlConnection() throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:40000/")
                .openConnection(Proxy.NO_PROXY);
        connection.setConnectTimeout(HTTP_TIMEOUT_MILLIS);
        connection.setReadTimeout(HTTP_TIMEOUT_MILLIS);
        try {
            connection.connect();
            String exchange;
            try {
                exchange = "status " + connection.getResponseCode();
            } catch (IOException afterConnect) {
                exchange = describe(afterConnect);
            }
            return "self-connected (the application cannot see the addresses) " + exchange;
        } finally {
            connection.disconnect();
        }
    }

    /** HttpClient (Java 11) through the scenarios' helper; a failure after the connect means it self-connected. */
    private static String httpClient() throws Throwable {
        try {
            Class.forName("java.net.http.HttpClient");
        } catch (ClassNotFoundException e) {
            return "unavailable java.net.http needs Java 11";
        }
        try {
            Object status = Class.forName("dev.selfconnect.scenarios.java11.HttpClients")
                    .getMethod("get", String.class).invoke(null, "http://127.0.0.1:40000/");
            return "self-connected (the application cannot see the addresses) status " + status;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException && !(cause instanceof ConnectException)
                    && !(cause.getCause() instanceof ConnectException)) {
                return "self-connected (the application cannot see the addresses) " + describe(cause);
            }
            throw cause;
        }
    }

    private static String connected(java.net.SocketAddress local, java.net.SocketAddress remote) {
        String l = local.toString().replace("/", "");
        String r = remote.toString().replace("/", "");
        return (l.equals(r) ? "self-connected " : "connected ") + "local=" + l + " remote=" + r;
    }

    /** The demo app's close: a reset, so that no TIME_WAIT keeps the port. */
    private static void reset(Socket socket) throws IOException {
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
        } catch (IOException alreadyGone) {
            // closed by the agent's reset
        }
        socket.close();
    }

    private static void reset(SocketChannel channel) throws IOException {
        try {
            if (channel.isOpen()) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException alreadyGone) {
            // closed by the agent's reset
        }
        channel.close();
    }

    /**
     * An AsynchronousSocketChannel has no SO_LINGER option: a close with data received and unread resets the
     * connection all the same, so a self-connected one first sends itself a byte.
     */
    private static void reset(AsynchronousSocketChannel channel) throws Exception {
        if (channel.isOpen() && channel.getRemoteAddress() != null) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[] {1})).get(CONNECT_SECONDS, TimeUnit.SECONDS);
            Thread.sleep(UNREAD_BYTE_MILLIS);
        }
        channel.close();
    }

    private static boolean portFree() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PORT_FREE_MILLIS);
        do {
            try (ServerSocket server = new ServerSocket()) {
                server.setReuseAddress(false);
                server.bind(TARGET);
                return true;
            } catch (IOException busy) {
                Thread.sleep(50);
            }
        } while (System.nanoTime() < deadline);
        return false;
    }

    /** The agent's counters from its MBean, or "none" where it has none (mode=off). */
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
