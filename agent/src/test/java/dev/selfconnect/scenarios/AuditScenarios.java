package dev.selfconnect.scenarios;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * An ordinary service, run in a child JVM by the audit's tests: it listens on and connects to ports in and out of
 * the ephemeral range, and prints what it did on lines starting with {@code RESULT}. It knows nothing of the agent
 * except, at the end, the name of its MBean, which it reads from the platform MBean server as JConsole would.
 * Usage: {@code AuditScenarios exposure|concurrent [THREADS]}.
 */
public final class AuditScenarios {

    static final String[] ATTRIBUTES = {"Checks", "SelfConnections", "ExceptionsThrown", "RisksFound", "Mode",
        "StackTraces", "Ignore", "Risks", "AuditFile", "Settings", "EndpointsAtRisk"};

    private AuditScenarios() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "exposure":
                exposure();
                break;
            case "concurrent":
                concurrent(args.length > 1 ? Integer.parseInt(args[1]) : 50);
                break;
            case "identity":
                identity();
                break;
            default:
                System.err.println("usage: AuditScenarios exposure|concurrent [THREADS]");
                System.exit(2);
        }
    }

    /**
     * Listens with each server API on a port in the range (40005-40007), on a reserved port (40001), on a port
     * outside the range (5555) and on port 0; connects to each but the last, twice to 40005; self-connects once on
     * 40990 (a client bound to 40990 connecting to 40990).
     */
    private static void exposure() throws Exception {
        System.out.println("RESULT jdk.jfr " + (jfrPresent() ? "present" : "absent"));
        List<AutoCloseable> open = new ArrayList<>();
        // Holds 40990 so that no client below gets it as its source port: a client that did would still hold it
        // (FIN_WAIT2, as no server accepts) when the self-connecting socket binds it. A bound, unconnected socket
        // is released at close, and the kernel never picks an explicitly bound port for a connect.
        Socket placeholder = new Socket();
        placeholder.setReuseAddress(true);
        placeholder.bind(new InetSocketAddress("127.0.0.1", 40990));
        // The constructor binds (the concurrent scenario calls bind itself).
        ServerSocket plain = new ServerSocket(40005, 50, java.net.InetAddress.getByName("127.0.0.1"));
        ServerSocketChannel channel = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 40006));
        AsynchronousServerSocketChannel async = AsynchronousServerSocketChannel.open()
                .bind(new InetSocketAddress("127.0.0.1", 40007));
        ServerSocket reserved = new ServerSocket(40001, 50, java.net.InetAddress.getByName("127.0.0.1"));
        ServerSocket outside = new ServerSocket(5555);
        ServerSocket anyPort = new ServerSocket(0);
        open.addAll(Arrays.asList(plain, channel, async, reserved, outside, anyPort));
        System.out.println("RESULT port-zero server got " + anyPort.getLocalPort());

        for (int i = 0; i < 2; i++) {
            try (Socket s = new Socket("127.0.0.1", 40005)) {
                System.out.println("RESULT connected socket 40005 from " + s.getLocalPort());
            }
        }
        try (SocketChannel s = SocketChannel.open(new InetSocketAddress("127.0.0.1", 40006))) {
            System.out.println("RESULT connected channel 40006");
        }
        try (AsynchronousSocketChannel s = AsynchronousSocketChannel.open()) {
            s.connect(new InetSocketAddress("127.0.0.1", 40007)).get(5, TimeUnit.SECONDS);
            System.out.println("RESULT connected async 40007");
        }
        for (int port : new int[] {40001, 5555}) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                System.out.println("RESULT connected socket " + port);
            }
        }
        placeholder.close();
        try (Socket s = new Socket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 40990));
            s.connect(new InetSocketAddress("127.0.0.1", 40990));
            System.out.println("RESULT self-connected " + s.getLocalPort() + " -> " + s.getPort());
        }
        printMBean();
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    static final String[] IDENTITY_ATTRIBUTES = {"ServiceName", "HostName", "ProcessPid", "ProcessStartTime",
        "ContainerId", "K8sPodName", "K8sNamespaceName", "Version", "Identity"};
    private static final String MARKER = "dev.selfconnect.agent";
    private static final String IDENTITY_LINE = "identity: ";
    private static final long IDENTITY_WAIT_MILLIS = 15_000;

    /**
     * Waits until the agent's status (its marker property) shows the identity its background thread resolved, then
     * self-connects once on 40990; prints the process id, the status's identity line and the MBean's identity.
     */
    private static void identity() throws Exception {
        long deadline = System.currentTimeMillis() + IDENTITY_WAIT_MILLIS;
        String before = System.getProperty(MARKER, "");
        System.out.println("RESULT identity at start " + identityLine(before));
        System.out.println("RESULT pid " + new java.io.File("/proc/self").getCanonicalFile().getName());
        // At once, before the agent's background thread resolved the identity: the records name it all the same.
        try (Socket s = new Socket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 40990));
            s.connect(new InetSocketAddress("127.0.0.1", 40990));
            System.out.println("RESULT self-connected " + s.getLocalPort() + " -> " + s.getPort());
        }
        while (!identityLine(System.getProperty(MARKER, "")).startsWith(IDENTITY_LINE + "service.name=")
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        System.out.println("RESULT status " + identityLine(System.getProperty(MARKER, "")));
        printMBean(IDENTITY_ATTRIBUTES);
    }

    private static String identityLine(String marker) {
        for (String line : marker.split("\n")) {
            if (line.startsWith(IDENTITY_LINE)) {
                return line;
            }
        }
        return "(none)";
    }

    /** THREADS threads start together; each listens on its own port in the range and connects to it. */
    private static void concurrent(int threads) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        int[] connected = new int[1];
        for (int i = 0; i < threads; i++) {
            int port = 40100 + i;
            // Thread names that JSON must escape: quotes, backslashes, control characters, a lone surrogate.
            String name = "worker \"" + i + "\" \\ \t\u0001 \ud800 é ✓";
            Thread worker = new Thread(() -> {
                try (ServerSocket server = new ServerSocket()) {
                    server.bind(new InetSocketAddress("127.0.0.1", port));
                    start.await(10, TimeUnit.SECONDS);
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        synchronized (connected) {
                            connected[0]++;
                        }
                    }
                } catch (Exception e) {
                    System.out.println("RESULT exception " + e);
                }
            }, name);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        System.out.println("RESULT connected " + connected[0]);
        printMBean();
    }

    private static boolean jfrPresent() {
        try {
            Class.forName("jdk.jfr.FlightRecorder", false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static void printMBean() throws Exception {
        printMBean(ATTRIBUTES);
    }

    private static void printMBean(String[] attributes) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("selfconnect:type=Agent");
        if (!server.isRegistered(name)) {
            System.out.println("RESULT mbean missing");
            return;
        }
        for (String attribute : attributes) {
            Object value = server.getAttribute(name, attribute);
            System.out.println("RESULT mbean " + attribute + "="
                    + (value instanceof String[] ? Arrays.toString((String[]) value) : value));
        }
    }

}
