package dev.selfconnect.scenarios;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.nio.file.Files;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * An application whose threads connect as fast as they can to random ports of the namespace's ephemeral range, where
 * nothing listens, through the four JDK APIs in turn: Socket, SocketChannel blocking, SocketChannel non-blocking
 * with finishConnect, AsynchronousSocketChannel. Some of these connects get their target port as source port and
 * self-connect. It judges every completed connect itself (local address equal to remote address or not), knowing
 * nothing of the agent but the name of its exception and of its MBean, and prints on standard output:
 * <ul>
 * <li>{@code RESULT storm ...}: the counts of the whole run, in total and per API;</li>
 * <li>{@code RESULT fds before=N after=M}: open file descriptors after a warm-up storm and after the storm;</li>
 * <li>{@code RESULT tcp-entries N} and {@code RESULT unbindable [...]}: sockets of /proc/net/tcp and tcp6 on a port
 * of the range after the storm, and the ports of the range a server socket without SO_REUSEADDR cannot bind;</li>
 * <li>{@code RESULT mbean NAME=VALUE}: the agent's counters, or {@code RESULT mbean missing};</li>
 * <li>{@code RESULT hung} and every thread's stack, if a connecting thread has not finished long after the end.</li>
 * </ul>
 * A warm-up storm (WARMUP_MILLIS, and longer until each API self-connected once) opens whatever the JDK and the
 * agent open once; the storm lasts STORM_MILLIS, and longer (within a bound) until each API self-connected a few
 * times.
 * Usage: {@code FourApiStorm THREADS WARMUP_MILLIS STORM_MILLIS LOW HIGH}.
 */
public final class FourApiStorm {

    /** The agent's private copy of its jar, unlinked once opened. */
    private static final Pattern AGENT_JAR_COPY = Pattern.compile(".*/selfconnect-agent-[0-9a-f]+\\.jar \\(deleted\\)");

    static final String[] APIS = {"socket", "channel-blocking", "channel-nonblocking", "async"};
    private static final String REJECTION = "dev.selfconnect.SelfConnectException";
    /** Twice the longest a connect here may wait: a thread still running this long after the end is stuck. */
    private static final long HANG_BOUND_MILLIS = 10_000;
    /** A storm goes on after its time, up to this long, until each API self-connected enough times. */
    private static final long EXTRA_MILLIS = 15_000;
    private static final long WARMUP_EXTRA_MILLIS = 5_000;
    private static final int MIN_SELF_CONNECTIONS = 10;

    /** Per API: attempts, refused, rejected (SelfConnectException), self-connected sockets the app got, ... */
    private static final int ATTEMPTS = 0;
    private static final int REFUSED = 1;
    private static final int REJECTED = 2;
    private static final int SELF_CONNECTED = 3;
    private static final int CROSS_CONNECTED = 4;
    private static final int NO_PORT = 5;
    private static final int WRONG_REJECTION = 6;
    private static final int OTHER = 7;
    private static final int FAILED_AFTER_CROSS = 8;
    /** A connect reset by its peer: another client cross-connected to it and let go before it was done. */
    private static final int RESET_BY_CROSSED_PEER = 9;
    private static final String[] COUNTS = {"attempts", "refused", "rejected", "self-connected", "cross-connected",
        "no-port", "wrong-rejection", "other", "failed-after-cross", "reset-by-crossed-peer"};

    private static final AtomicLongArray counts = new AtomicLongArray(APIS.length * COUNTS.length);
    private static final AtomicReference<String> firstOther = new AtomicReference<String>();

    /**
     * Local ports of connected AsynchronousSocketChannels (which have no SO_LINGER): the application's own close
     * leaves them in TIME_WAIT, so the checks after the storm leave them out.
     */
    private static final Set<Integer> closedWithoutReset = new ConcurrentSkipListSet<Integer>();

    private static final ThreadLocal<Boolean> crossed = new ThreadLocal<Boolean>();

    private static int low;
    private static int high;

    private FourApiStorm() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        long warmup = Long.parseLong(args[1]);
        long storm = Long.parseLong(args[2]);
        low = Integer.parseInt(args[3]);
        high = Integer.parseInt(args[4]);

        run(threads, warmup, 1, WARMUP_EXTRA_MILLIS);
        Map<String, String> before = openFds();
        run(threads, storm, MIN_SELF_CONNECTIONS, EXTRA_MILLIS);
        Map<String, String> after = openFds();

        StringBuilder total = new StringBuilder("RESULT storm");
        for (int c = 0; c < COUNTS.length; c++) {
            long sum = 0;
            for (int a = 0; a < APIS.length; a++) {
                sum += counts.get(a * COUNTS.length + c);
            }
            total.append(' ').append(COUNTS[c]).append('=').append(sum);
        }
        System.out.println(total);
        for (int a = 0; a < APIS.length; a++) {
            StringBuilder line = new StringBuilder("RESULT api " + APIS[a]);
            for (int c = 0; c < COUNTS.length; c++) {
                line.append(' ').append(COUNTS[c]).append('=').append(counts.get(a * COUNTS.length + c));
            }
            System.out.println(line);
        }
        if (firstOther.get() != null) {
            System.out.println("RESULT first-other " + firstOther.get());
        }
        System.out.println("RESULT fds before=" + before.size() + " after=" + after.size());
        Map<String, String> added = new TreeMap<String, String>(after);
        added.entrySet().removeAll(before.entrySet());
        System.out.println("RESULT fds-added " + added);
        System.out.println("RESULT closed-without-reset " + closedWithoutReset);
        System.out.println("RESULT tcp-entries " + tcpEntriesInRange());
        System.out.println("RESULT unbindable " + unbindablePorts());
        printMBean();
        System.out.flush();
    }

    private static void run(int threads, long millis, final int least, long extraMillis)
            throws InterruptedException {
        final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        final long cap = end + TimeUnit.MILLISECONDS.toNanos(extraMillis);
        List<Thread> workers = new ArrayList<Thread>();
        for (int t = 0; t < threads; t++) {
            final int first = t;
            Thread worker = new Thread(new Runnable() {
                @Override
                public void run() {
                    storm(first, end, least, cap);
                }
            }, "storm-" + t);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        long deadline = cap + TimeUnit.MILLISECONDS.toNanos(HANG_BOUND_MILLIS);
        for (Thread worker : workers) {
            worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (worker.isAlive()) {
                hung();
            }
        }
    }

    /** Whether some API self-connected fewer than {@code least} times yet: the storm then goes on, up to its cap. */
    private static boolean tooFew(int least) {
        for (int a = 0; a < APIS.length; a++) {
            if (counts.get(a * COUNTS.length + REJECTED) + counts.get(a * COUNTS.length + SELF_CONNECTED)
                    < least) {
                return true;
            }
        }
        return false;
    }

    private static void storm(int first, long end, int least, long cap) {
        Selector selector = null;
        try {
            selector = Selector.open();
            for (int i = first; System.nanoTime() - end < 0 || tooFew(least) && System.nanoTime() - cap < 0; i++) {
                int api = i % APIS.length;
                int port = ThreadLocalRandom.current().nextInt(low, high + 1);
                count(api, ATTEMPTS);
                crossed.set(false);
                try {
                    connect(api, new InetSocketAddress("127.0.0.1", port), selector);
                } catch (Throwable failure) {
                    classify(api, port, failure);
                }
            }
        } catch (IOException e) {
            note("selector: " + e);
        } finally {
            if (selector != null) {
                try {
                    selector.close();
                } catch (IOException e) {
                    note("selector close: " + e);
                }
            }
        }
    }

    private static void connect(int api, InetSocketAddress target, Selector selector) throws Throwable {
        switch (api) {
            case 0: {
                Socket socket = new Socket();
                try {
                    socket.connect(target, 5000);
                    connected(api, socket.getLocalSocketAddress(), socket.getRemoteSocketAddress());
                    socket.setSoLinger(true, 0);
                } finally {
                    socket.close();
                }
                return;
            }
            case 1: {
                SocketChannel channel = SocketChannel.open();
                try {
                    channel.connect(target);
                    connected(api, channel.getLocalAddress(), channel.getRemoteAddress());
                    channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                } finally {
                    channel.close();
                }
                return;
            }
            case 2: {
                SocketChannel channel = SocketChannel.open();
                try {
                    channel.configureBlocking(false);
                    if (!channel.connect(target)) {
                        SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
                        try {
                            if (selector.select(5000) == 0) {
                                throw new IOException("not connectable after 5 s");
                            }
                            selector.selectedKeys().clear();
                            if (!channel.finishConnect()) {
                                throw new IOException("finishConnect returned false after OP_CONNECT");
                            }
                        } finally {
                            key.cancel();
                        }
                    }
                    connected(api, channel.getLocalAddress(), channel.getRemoteAddress());
                    channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                } finally {
                    channel.close();
                    selector.selectNow();
                }
                return;
            }
            default: {
                AsynchronousSocketChannel channel = AsynchronousSocketChannel.open();
                try {
                    try {
                        channel.connect(target).get(5, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        throw e.getCause();
                    }
                    connected(api, channel.getLocalAddress(), channel.getRemoteAddress());
                    closedWithoutReset.add(((InetSocketAddress) channel.getLocalAddress()).getPort());
                } finally {
                    channel.close();
                }
            }
        }
    }

    /**
     * Nothing listens in the range: a completed connect is a self-connection, or two clients that connected to each
     * other's port at once (whose peer may reset it before this side is done with it).
     */
    private static void connected(int api, SocketAddress local, SocketAddress remote) {
        boolean self = local.equals(remote);
        count(api, self ? SELF_CONNECTED : CROSS_CONNECTED);
        crossed.set(!self);
    }

    private static void classify(int api, int port, Throwable failure) {
        if (crossed.get()) {
            count(api, FAILED_AFTER_CROSS);
            return;
        }
        String message = String.valueOf(failure.getMessage());
        if (failure.getClass().getName().equals(REJECTION)) {
            String self = "127.0.0.1:" + port + " -> 127.0.0.1:" + port;
            count(api, message.contains(self) ? REJECTED : WRONG_REJECTION);
            if (!message.contains(self)) {
                note(APIS[api] + " to " + port + ": " + failure);
            }
        } else if (failure instanceof ConnectException && message.startsWith("Connection refused")) {
            count(api, REFUSED);
        } else if (message.contains("Cannot assign requested address")) {
            count(api, NO_PORT);
        } else if (failure instanceof SocketException && message.startsWith("Connection reset")) {
            count(api, RESET_BY_CROSSED_PEER);
        } else {
            count(api, OTHER);
            note(APIS[api] + " to " + port + ": " + failure);
        }
    }

    private static void count(int api, int what) {
        counts.incrementAndGet(api * COUNTS.length + what);
    }

    private static void note(String what) {
        firstOther.compareAndSet(null, what);
    }

    /**
     * The open file descriptors, each with what it refers to; not the one the listing itself used, gone by the time
     * its link is read, nor the agent's private copy of its jar, opened once for the JVM's life when its first steps
     * are past (which may fall in the storm).
     */
    private static Map<String, String> openFds() {
        Map<String, String> open = new TreeMap<String, String>();
        File[] fds = new File("/proc/self/fd").listFiles();
        for (File fd : fds == null ? new File[0] : fds) {
            try {
                String target = Files.readSymbolicLink(fd.toPath()).toString();
                if (!AGENT_JAR_COPY.matcher(target).matches()) {
                    open.put(fd.getName(), target);
                }
            } catch (IOException gone) {
                // closed since the listing
            }
        }
        return open;
    }

    /** Sockets of any state whose local port is in the range, as ss would list them. */
    private static int tcpEntriesInRange() throws IOException {
        int entries = 0;
        for (String table : new String[] {"/proc/self/net/tcp", "/proc/self/net/tcp6"}) {
            if (!new File(table).exists()) {
                continue;
            }
            BufferedReader reader = new BufferedReader(new FileReader(table));
            try {
                reader.readLine();
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    String local = line.trim().split("\\s+")[1];
                    int port = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
                    if (port >= low && port <= high && !closedWithoutReset.contains(port)) {
                        entries++;
                        System.out.println("RESULT tcp-entry " + line.trim());
                    }
                }
            } finally {
                reader.close();
            }
        }
        return entries;
    }

    private static List<Integer> unbindablePorts() {
        List<Integer> held = new ArrayList<Integer>();
        for (int port = low; port <= high; port++) {
            if (closedWithoutReset.contains(port)) {
                continue;
            }
            try {
                ServerSocket server = new ServerSocket();
                try {
                    server.setReuseAddress(false);
                    server.bind(new InetSocketAddress(port));
                } finally {
                    server.close();
                }
            } catch (IOException e) {
                held.add(port);
            }
        }
        return held;
    }

    private static void printMBean() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("selfconnect:type=Agent");
        if (!server.isRegistered(name)) {
            System.out.println("RESULT mbean missing");
            return;
        }
        for (String attribute : new String[] {"SelfConnections", "ExceptionsThrown", "InternalFailures", "Mode"}) {
            System.out.println("RESULT mbean " + attribute + "=" + server.getAttribute(name, attribute));
        }
    }

    private static void hung() {
        System.out.println("RESULT hung");
        for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
            System.out.println("\"" + entry.getKey().getName() + "\" " + entry.getKey().getState());
            for (StackTraceElement frame : entry.getValue()) {
                System.out.println("\tat " + frame);
            }
        }
        System.out.flush();
        Runtime.getRuntime().halt(3);
    }
}
