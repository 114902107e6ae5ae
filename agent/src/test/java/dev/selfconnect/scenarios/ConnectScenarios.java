package dev.selfconnect.scenarios;

import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.URL;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An ordinary application, run in a child JVM by the agent's tests: each scenario connects through one JDK path and
 * prints what it observed on lines starting with {@code RESULT}. It knows nothing of the agent.
 * Usage: {@code ConnectScenarios SCENARIO [HOST PORT]}; the default target is 127.0.0.1:40000.
 */
public final class ConnectScenarios {

    static final int SERVER_PORT = 5555;

    private static InetSocketAddress target;

    private static final Map<String, Scenario> SCENARIOS = Map.ofEntries(
            Map.entry("socket-connect", () -> socket(s -> io(() -> s.connect(target)))),
            Map.entry("socket-connect-timeout", () -> socket(s -> io(() -> s.connect(target, 2000)))),
            Map.entry("socket-constructor", () -> {
                try (Socket s = new Socket(target.getHostString(), target.getPort())) {
                    printConnected(s);
                }
            }),
            Map.entry("socket-constructor-inetaddress", () -> {
                try (Socket s = new Socket(target.getAddress(), target.getPort())) {
                    printConnected(s);
                }
            }),
            Map.entry("http-url-connection", ConnectScenarios::httpUrlConnection),
            Map.entry("channel-blocking", () -> {
                try (SocketChannel ch = SocketChannel.open()) {
                    ch.connect(target);
                    printConnected(ch.getLocalAddress(), ch.getRemoteAddress());
                }
            }),
            Map.entry("channel-open-address", () -> {
                try (SocketChannel ch = SocketChannel.open(target)) {
                    printConnected(ch.getLocalAddress(), ch.getRemoteAddress());
                }
            }),
            Map.entry("channel-nonblocking", ConnectScenarios::nonBlockingChannel),
            Map.entry("channel-adaptor", () -> {
                try (SocketChannel ch = SocketChannel.open()) {
                    ch.socket().connect(target, 2000);
                    printConnected(ch.getLocalAddress(), ch.getRemoteAddress());
                }
            }),
            Map.entry("async-future", () -> {
                try (AsynchronousSocketChannel ch = AsynchronousSocketChannel.open()) {
                    ch.connect(target).get(5, TimeUnit.SECONDS);
                    printConnected(ch.getLocalAddress(), ch.getRemoteAddress());
                } catch (ExecutionException e) {
                    throw e.getCause();
                }
            }),
            Map.entry("async-handler", ConnectScenarios::asyncHandler),
            Map.entry("http-client", ConnectScenarios::httpClient),
            Map.entry("listening-server-all-apis", ConnectScenarios::listeningServerAllApis),
            Map.entry("bound-client", ConnectScenarios::boundClient),
            Map.entry("unix-domain", ConnectScenarios::unixDomain),
            Map.entry("ssl-socket", ConnectScenarios::sslSocket),
            Map.entry("socks-proxy", ConnectScenarios::socksProxy),
            Map.entry("connect-timeout", () -> socket(s -> io(() -> s.connect(target, 300)))),
            Map.entry("log-handler-connects", ConnectScenarios::logHandlerConnects),
            Map.entry("module-access", ConnectScenarios::moduleAccess));

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
            scenario.run();
        } catch (Throwable t) {
            printException(t);
        }
        rebindTargetPort();
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

    private static void httpClient() throws Exception {
        HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + text(target) + "/"))
                .timeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        System.out.println("RESULT status " + response.statusCode());
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
                    try {
                        HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build()
                                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + SERVER_PORT + "/"))
                                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    } catch (IOException e) {
                        // The server answers no HTTP: only the connect matters here.
                        System.out.println("RESULT http-client " + e.getClass().getName());
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

    private static void unixDomain() throws Exception {
        Path dir = Files.createTempDirectory("selfconnect-it");
        Path socketFile = dir.resolve("server.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socketFile));
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                client.connect(UnixDomainSocketAddress.of(socketFile));
                server.accept().close();
                System.out.println("RESULT unix connected " + client.getRemoteAddress());
            }
        } finally {
            Files.deleteIfExists(socketFile);
            Files.deleteIfExists(dir);
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
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            in.read(); // version
            in.readNBytes(in.read()); // the offered authentication methods
            out.write(new byte[] {5, 0}); // no authentication
            byte[] head = in.readNBytes(4); // version, CONNECT, reserved, address type
            if (head[3] != 1 && head[3] != 4) {
                return;
            }
            byte[] address = in.readNBytes(head[3] == 1 ? 4 : 16);
            byte[] port = in.readNBytes(2);
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

    /** After the scenario, the target port must be free for a real server (no TIME_WAIT left behind). */
    private static void rebindTargetPort() {
        long start = System.nanoTime();
        IOException last = null;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3)) {
            try (ServerSocket server = new ServerSocket()) {
                server.setReuseAddress(false);
                server.bind(target);
                System.out.println("RESULT rebind ok");
                return;
            } catch (IOException e) {
                last = e;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
        System.out.println("RESULT rebind failed " + last);
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
    private static void moduleAccess() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            System.out.println("RESULT connected " + client.isConnected());
        }
        Module javaBase = Object.class.getModule();
        Module application = ConnectScenarios.class.getModule();
        for (String pkg : new String[] {"sun.nio.ch", "java.net", "jdk.internal.misc", "sun.net.util"}) {
            System.out.println("RESULT " + pkg + " open=" + javaBase.isOpen(pkg, application) + " exported="
                    + javaBase.isExported(pkg, application));
        }
        for (String type : new String[] {"sun.nio.ch.Net", "sun.nio.ch.SocketChannelImpl"}) {
            java.lang.reflect.Method method = Class.forName(type).getDeclaredMethods()[0];
            System.out.println("RESULT " + type + " trySetAccessible=" + method.trySetAccessible());
        }
        System.out.println("RESULT unnamed modules see sun.nio.ch: " + javaBase.isOpen("sun.nio.ch")
                + " " + javaBase.isExported("sun.nio.ch"));
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
