package dev.selfconnect.scenarios;

import javax.net.ssl.SSLSocketFactory;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URL;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An ordinary application, run in a child JVM by the agent's tests: each scenario connects through one JDK path and
 * prints what it observed on lines starting with {@code RESULT}. It knows nothing of the agent. It runs on Java 8 and
 * later; the parts that need a later Java are in classes of their own, called where the JVM has what they need.
 * Usage: {@code ConnectScenarios SCENARIO [HOST PORT]}; the default target is 127.0.0.1:40000.
 */
public final class ConnectScenarios {

    static final int SERVER_PORT = 5555;
    /** The state /proc/net/tcp shows for TIME_WAIT. */
    private static final String TCP_TIME_WAIT = "06";

    private static InetSocketAddress target;

    private static final Map<String, Scenario> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("socket-connect", () -> socket(s -> io(() -> s.connect(target))));
        SCENARIOS.put("socket-connect-timeout", () -> socket(s -> io(() -> s.connect(target, 2000))));
        SCENARIOS.put("socket-constructor", () -> {
            try (Socket s = new Socket(target.getHostString(), target.getPort())) {
                printConnected(s);
            }
        });
        SCENARIOS.put("socket-constructor-inetaddress", () -> {
            try (Socket s = new Socket(target.getAddress(), target.getPort())) {
                printConnected(s);
            }
        });
        SCENARIOS.put("http-url-connection", ConnectScenarios::httpUrlConnection);
        SCENARIOS.put("channel-blocking", () -> {
            try (SocketChannel ch = SocketChannel.open()) {
                ch.connect(target);
                printConnected(ch.getLocalAddress(), ch.getRemoteAddress());
            }
        });
        SCENARIOS.put("channel-open-address", () -> {
            try (SocketChannel ch = SocketChannel.open(target)) {
                printConnected(ch.getLocalAddress(), ch.getRemoteAddress());
            }
        });
        SCENARIOS.put("channel-nonblocking", ConnectScenarios::nonBlockingChannel);
        SCENARIOS.put("channel-nonblocking-selector-idle", ConnectScenarios::nonBlockingChannelSelectorIdle);
        SCENARIOS.put("channel-adaptor", () -> {
            try (SocketChannel ch = SocketChannel.open()) {
                ch.socket().connect(target, 2000);
                printConnected(ch.getLocalAddress(), ch.getRemoteAddress());
            }
        });
        SCENARIOS.put("async-future", () -> {
            try (AsynchronousSocketChannel ch = AsynchronousSocketChannel.open()) {
                ch.connect(target).get(5, TimeUnit.SECONDS);
                printConnected(ch.getLocalAddress(), ch.getRemoteAddress());
            } catch (ExecutionException e) {
                throw e.getCause();
            }
        });
        SCENARIOS.put("async-handler", ConnectScenarios::asyncHandler);
        SCENARIOS.put("http-client", ConnectScenarios::httpClient);
        SCENARIOS.put("listening-server-all-apis", ConnectScenarios::listeningServerAllApis);
        SCENARIOS.put("bound-client", ConnectScenarios::boundClient);
        SCENARIOS.put("unix-domain", ConnectScenarios::unixDomain);
        SCENARIOS.put("ssl-socket", ConnectScenarios::sslSocket);
        SCENARIOS.put("socks-proxy", ConnectScenarios::socksProxy);
        SCENARIOS.put("connect-timeout", () -> socket(s -> io(() -> s.connect(target, 300))));
        SCENARIOS.put("log-handler-connects", ConnectScenarios::logHandlerConnects);
        SCENARIOS.put("module-access", ConnectScenarios::moduleAccess);
        SCENARIOS.put("socket-ten-times", ConnectScenarios::socketTenTimes);
        SCENARIOS.put("exit-hooks", ConnectScenarios::printExitHooks);
        SCENARIOS.put("socket-connect-exit-hooks", () -> {
            socket(s -> io(() -> s.connect(target)));
            printExitHooks();
        });
        SCENARIOS.put("virtual-thread-socket", () -> onVirtualThread(SCENARIOS.get("socket-connect")));
        SCENARIOS.put("virtual-thread-channel", () -> onVirtualThread(SCENARIOS.get("channel-blocking")));
    }

    private ConnectScenarios() {
    }

    public static void main(String[] args) throws Exception {
        Scenario scenario = args.length > 0 ? SCENARIOS.get(args[0]) : null;
        if (scenario == null) {
            System.err.println("usage: ConnectScenarios " + new java.util.TreeSet<>(SCENARIOS.keySet())
                    + " [HOST PORT]");
            System.exit(2);
        }
        target = new InetSocketAddress(InetAddress.getByName(args.length > 1 ? args[1] : "127.0.0.1"),
                args.length > 2 ? Integer.parseInt(args[2]) : 40000);
        try {
            if (RetransformingAgent.isPresent()) {
                RetransformingAgent.retransformConnectClasses();
            }
            if (RedefiningAgent.isPresent()) {
                RedefiningAgent.redefineSocket();
            }
            scenario.run();
        } catch (Throwable t) {
            printException(t);
        }
        rebindTargetPort("rebind");
    }

    private static void socket(Consumer<Socket> connect) throws IOException {
        try (Socket s = new Socket()) {
            connect.accept(s);
            printConnected(s);
        } catch (UncheckedIo e) {
            throw e.getCause();
        }
    }

    private static void nonBlockingChannel() throws IOException {
        try (SocketChannel ch = SocketChannel.open(); Selector selector = Selector.open()) {
            ch.configureBlocking(false);
            boolean immediate = ch.connect(target);
            System.out.println("RESULT immediate=" + immediate);
            if (!immediate) {
                ch.register(selector, SelectionKey.OP_CONNECT);
                selector.select(5000);
                while (!ch.finishConnect()) {
                    selector.select(100);
                }
                // A second finishConnect on a connected channel must not report the connection again.
                ch.finishConnect();
            }
            printConnected(ch.getLocalAddress(), ch.getRemoteAddress());
        }
    }

    /**
     * An event loop that gets the connect's failure and closes the channel but keeps its selector open and does not
     * select on it again: the closed channel's key is never flushed, so the JDK defers closing its socket. The
     * port must be free all the same, while the selector is still open.
     */
    private static void nonBlockingChannelSelectorIdle() throws IOException {
        try (Selector selector = Selector.open()) {
            SocketChannel ch = SocketChannel.open();
            try {
                ch.configureBlocking(false);
                if (!ch.connect(target)) {
                    ch.register(selector, SelectionKey.OP_CONNECT);
                    selector.select(5000);
                    while (!ch.finishConnect()) {
                        selector.select(100);
                    }
                }
                printConnected(ch.getLocalAddress(), ch.getRemoteAddress());
                ch.close();
            } catch (IOException e) {
                printException(e);
                ch.close();
                rebindTargetPort("rebind with the selector open and idle");
            }
        }
    }

    private static void asyncHandler() throws Throwable {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        try (AsynchronousSocketChannel ch = AsynchronousSocketChannel.open()) {
            ch.connect(target, null, new CompletionHandler<Void, Void>() {
                @Override
                public void completed(Void result, Void attachment) {
                    try {
                        outcome.complete("RESULT connected local=" + text(ch.getLocalAddress())
                                + " remote=" + text(ch.getRemoteAddress()));
                    } catch (IOException e) {
                        outcome.completeExceptionally(e);
                    }
                }

                @Override
                public void failed(Throwable exc, Void attachment) {
                    outcome.completeExceptionally(exc);
                }
            });
            System.out.println(outcome.get(5, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    private static void httpUrlConnection() throws IOException {
        URL url = new URL("http://" + text(target) + "/");
        HttpURLConnection connection = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
        connection.setConnectTimeout(2000);
        connection.setReadTimeout(2000);
        try {
            connection.connect();
            System.out.println("RESULT http-url-connection connected");
            System.out.println("RESULT status " + connection.getResponseCode());
        } finally {
            connection.disconnect();
        }
    }

    private static void httpClient() throws Throwable {
        if (available("java.net.http", "java.net.http.HttpClient", 11)) {
            int status = (Integer) call("java11.HttpClients", "get", "http://" + text(target) + "/");
            System.out.println("RESULT status " + status);
        }
    }

    /**
     * Runs a scenario on a virtual thread (Java 21), found by reflection so that this class still runs on Java 8.
     */
    private static void onVirtualThread(Scenario scenario) throws Throwable {
        if (!available("virtual threads", "java.lang.Thread$Builder$OfVirtual", 21)) {
            return;
        }
        ExecutorService executor = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                .invoke(null);
        try {
            Throwable failure = executor.submit(() -> {
                System.out.println("RESULT on thread " + Thread.currentThread());
                try {
                    scenario.run();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            }).get(10, TimeUnit.SECONDS);
            if (failure != null) {
                throw failure;
            }
        } finally {
            executor.shutdown();
        }
    }

    /** Whether this JVM has a feature; if not, says so on a RESULT line the tests expect on older JDKs. */
    private static boolean available(String feature, String className, int since) {
        try {
            Class.forName(className, false, ClassLoader.getSystemClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            System.out.println("RESULT unavailable " + feature + ": needs Java " + since + ", this is Java "
                    + System.getProperty("java.version"));
            return false;
        }
    }

    /** Calls a static method of a scenario class compiled for a later Java than this one. */
    private static Object call(String className, String method, Object... arguments) throws Throwable {
        for (Method m : Class.forName(ConnectScenarios.class.getPackage().getName() + "." + className)
                .getDeclaredMethods()) {
            if (m.getName().equals(method)) {
                try {
                    return m.invoke(null, arguments);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
        throw new NoSuchMethodException(className + "." + method);
    }

    /** A real server on a port outside the range; every API connects to it and must see no self-connection. */
    private static void listeningServerAllApis() throws Throwable {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", SERVER_PORT));
            Thread acceptor = acceptForever(server);
            target = new InetSocketAddress("127.0.0.1", SERVER_PORT);
            for (String name : new String[] {"socket-connect", "socket-constructor", "channel-blocking",
                    "channel-open-address", "channel-nonblocking", "channel-adaptor", "async-future",
                    "async-handler", "http-url-connection-to-server", "http-client-to-server"}) {
                System.out.println("RESULT scenario " + name);
                if (name.startsWith("http-url")) {
                    Socket s = new Socket();
                    s.connect(target);
                    printConnected(s);
                    s.close();
                } else if (name.startsWith("http-client")) {
                    if (available("java.net.http", "java.net.http.HttpClient", 11)) {
                        try {
                            call("java11.HttpClients", "get", "http://127.0.0.1:" + SERVER_PORT + "/");
                        } catch (IOException e) {
                            // The server answers no HTTP: only the connect matters here.
                            System.out.println("RESULT http-client " + e.getClass().getName());
                        }
                    }
                } else {
                    SCENARIOS.get(name).run();
                }
            }
            acceptor.interrupt();
        }
    }

    private static void boundClient() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", SERVER_PORT));
            acceptForever(server);
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress("127.0.0.1", 6001));
                s.connect(new InetSocketAddress("127.0.0.1", SERVER_PORT));
                printConnected(s);
            }
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress("127.0.0.1", 6002));
                s.connect(new InetSocketAddress("127.0.0.1", 7000));
            }
        }
    }

    private static void unixDomain() throws Throwable {
        if (available("unix-domain socket channels", "java.net.UnixDomainSocketAddress", 16)) {
            System.out.println("RESULT unix connected " + call("java17.UnixDomain", "connect"));
        }
    }

    private static void sslSocket() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", SERVER_PORT));
            acceptForever(server);
            try (Socket s = SSLSocketFactory.getDefault().createSocket()) {
                s.connect(new InetSocketAddress("127.0.0.1", SERVER_PORT), 2000);
                System.out.println("RESULT ssl " + s.getClass().getName());
                printConnected(s);
            }
        }
    }

    /** A minimal SOCKS5 proxy (no authentication, CONNECT only) that relays to the real server. */
    private static void socksProxy() throws Exception {
        try (ServerSocket server = new ServerSocket(); ServerSocket proxy = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", SERVER_PORT));
            acceptForever(server);
            proxy.bind(new InetSocketAddress("127.0.0.1", 1080));
            Thread proxyThread = new Thread(() -> serveSocks(proxy), "socks-proxy");
            proxyThread.setDaemon(true);
            proxyThread.start();
            Proxy socks = new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", 1080));
            try (Socket s = new Socket(socks)) {
                s.connect(new InetSocketAddress("127.0.0.1", SERVER_PORT), 2000);
                System.out.println("RESULT socks connected remote=" + text(s.getRemoteSocketAddress()));
            }
        }
    }

    private static void serveSocks(ServerSocket proxy) {
        try (Socket client = proxy.accept()) {
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            in.read(); // version
            in.readFully(new byte[in.read()]); // the offered authentication methods
            out.write(new byte[] {5, 0}); // no authentication
            byte[] head = new byte[4]; // version, CONNECT, reserved, address type
            in.readFully(head);
            if (head[3] != 1 && head[3] != 4) {
                return;
            }
            byte[] address = new byte[head[3] == 1 ? 4 : 16];
            in.readFully(address);
            byte[] port = new byte[2];
            in.readFully(port);
            try (Socket upstream = new Socket(InetAddress.getByAddress(address),
                    ((port[0] & 0xff) << 8) | (port[1] & 0xff))) {
                out.write(new byte[] {5, 0, 0, 1, 127, 0, 0, 1, port[0], port[1]});
                out.flush();
                in.read();
            }
        } catch (IOException ignored) {
            // the client closed the tunnel
        }
    }

    /**
     * The application's standard error connects on every write, like a log handler that ships records over TCP.
     * The first connect self-connects on 40000; while the agent reports it, the handler binds 40001 and connects to
     * it, a self-connection of its own, which must be let through rather than reported from inside the report.
     */
    private static void logHandlerConnects() throws Exception {
        PrintStream original = System.err;
        int[] handlerConnects = {0};
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (handlerConnects[0] == 0) {
                    handlerConnects[0]++;
                    InetSocketAddress self = new InetSocketAddress("127.0.0.1", 40001);
                    try (Socket s = new Socket()) {
                        s.bind(self);
                        s.connect(self);
                        System.out.println("RESULT handler connected local=" + text(s.getLocalSocketAddress())
                                + " remote=" + text(s.getRemoteSocketAddress()));
                    } catch (IOException e) {
                        System.out.println("RESULT handler exception " + e);
                    }
                }
                original.write(b, off, len);
            }
        }, true));
        for (int attempt = 1; attempt <= 100; attempt++) {
            try (Socket s = new Socket()) {
                s.connect(target);
                printConnected(s);
                return;
            } catch (ConnectException refused) {
                if (!"Connection refused".equals(refused.getMessage())) {
                    throw refused;
                }
            }
        }
        System.out.println("RESULT no self-connection in 100 attempts");
    }

    private static Thread acceptForever(ServerSocket server) {
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket accepted = server.accept();
                    Thread.sleep(200);
                    accepted.close();
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }, "acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        return acceptor;
    }

    /**
     * After the scenario, the target port must be free for a real server (no TIME_WAIT left behind). A connection the
     * agent resets may close on another thread a moment later, so the bind is retried for a while; a connection in
     * TIME_WAIT keeps the port for a minute, so once the kernel lists one the answer is known and no retry can change
     * it (a self-connection left open in log mode and closed by the application ends there).
     */
    private static void rebindTargetPort(String label) {
        long start = System.nanoTime();
        IOException last = null;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3)) {
            try (ServerSocket server = new ServerSocket()) {
                server.setReuseAddress(false);
                server.bind(target);
                System.out.println("RESULT " + label + " ok");
                return;
            } catch (IOException e) {
                last = e;
                if (inTimeWait(target.getPort())) {
                    System.out.println("RESULT " + label + " failed " + e + " (TIME_WAIT)");
                    return;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
        System.out.println("RESULT " + label + " failed " + last);
    }

    /** Whether the kernel lists a TCP connection in TIME_WAIT on the given local port (/proc/net/tcp and tcp6). */
    private static boolean inTimeWait(int port) {
        String localPort = String.format(":%04X", port);
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            try {
                for (String line : Files.readAllLines(Paths.get(table))) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length > 3 && fields[1].endsWith(localPort) && fields[3].equals(TCP_TIME_WAIT)) {
                        return true;
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // no such table here: the bind is retried as before
            }
        }
        return false;
    }

    /**
     * The names of the shutdown hooks registered so far, read from the JDK's own table (on Java 9 and later the JVM
     * needs --add-opens java.base/java.lang=ALL-UNNAMED).
     */
    private static void printExitHooks() throws ReflectiveOperationException {
        Class<?> table = Class.forName("java.lang.ApplicationShutdownHooks");
        Field hooks = table.getDeclaredField("hooks");
        hooks.setAccessible(true);
        List<String> names = new ArrayList<>();
        synchronized (table) {
            for (Object hook : ((Map<?, ?>) hooks.get(null)).keySet()) {
                names.add(((Thread) hook).getName());
            }
        }
        Collections.sort(names);
        System.out.println("RESULT exit hooks " + names);
    }

    private static void printConnected(Socket s) {
        printConnected(s.getLocalSocketAddress(), s.getRemoteSocketAddress());
    }

    private static void printConnected(SocketAddress local, SocketAddress remote) {
        System.out.println("RESULT connected local=" + text(local) + " remote=" + text(remote));
    }

    private static void printException(Throwable t) {
        StringBuilder chain = new StringBuilder("RESULT exception " + t.getClass().getName() + ": " + t.getMessage());
        for (Throwable cause = t.getCause(); cause != null; cause = cause.getCause()) {
            chain.append(" | cause ").append(cause.getClass().getName()).append(": ").append(cause.getMessage());
        }
        System.out.println(chain);
    }

    private static String text(SocketAddress address) {
        InetSocketAddress inet = (InetSocketAddress) address;
        String host = inet.getAddress().getHostAddress().replace("0:0:0:0:0:0:0:1", "::1");
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
    }

    private static void io(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIo(e);
        }
    }

    /**
     * What this application class may do with java.base's internal packages: every line must read the same with the
     * agent as without it. A connect first, so that the agent has done all it does.
     */
    private static void moduleAccess() throws Throwable {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            System.out.println("RESULT connected " + client.isConnected());
        }
        if (available("modules", "java.lang.Module", 9)) {
            call("java11.ModuleAccess", "print", ConnectScenarios.class);
        }
    }

    /** A client that retries: ten connects in a row, each closed with a reset so that the port is free again. */
    private static void socketTenTimes() throws IOException {
        int connected = 0;
        for (int i = 0; i < 10; i++) {
            try (Socket socket = new Socket()) {
                socket.connect(target);
                socket.setSoLinger(true, 0);
                connected++;
            } catch (ConnectException e) {
                System.out.println("RESULT exception " + e);
            }
        }
        System.out.println("RESULT connected " + connected + " times");
    }

    interface Scenario {
        void run() throws Throwable;
    }

    interface IoAction {
        void run() throws IOException;
    }

    private static final class UncheckedIo extends RuntimeException {
        UncheckedIo(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }
}
