package dev.selfconnect.scenarios;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * An application that self-connects with a Socket while the JVM is nearly out of heap or out of stack, in a network
 * namespace whose ephemeral range is one port. Usage: {@code StarvedScenarios heap RESERVE...} (the heap is filled,
 * then RESERVE bytes are freed before each connect) or {@code StarvedScenarios stack MAX_OFFSET} (connects at the
 * bottom of a recursion ending 1, 2, ... MAX_OFFSET frames short of the deepest one the stack allows, until ten in a
 * row connect without running out of stack). Each connect prints
 * {@code RESULT heap reserve=N outcome=O} or {@code RESULT stack offset=K outcome=O}, O being:
 * <ul>
 * <li>{@code rejected}: a SelfConnectException reached the application;</li>
 * <li>{@code jdk-oom}, {@code jdk-soe}: an OutOfMemoryError or StackOverflowError from the JDK's code alone, the
 * socket not connected (when the JDK throws it after its own connect, the self-connection is there, and the port
 * held: the agent never saw it, as the frames in {@code detail=} show);</li>
 * <li>{@code AGENT-oom}, {@code AGENT-soe}: such an error thrown through a frame of the agent;</li>
 * <li>{@code SELF-CONNECTED}: connect returned a socket connected to itself;</li>
 * <li>{@code ERROR-CONNECTED}: an error reached the application with the socket connected;</li>
 * <li>{@code not-reached}: the recursion ran out of stack before the connect (nothing tried);</li>
 * <li>{@code other}: anything else (then {@code detail=} says what);</li>
 * </ul>
 * followed by {@code port-held} when, the socket closed and the memory back, a server cannot bind the port: the
 * self-connection was not reset. The next connect then goes to the next port.
 */
public final class StarvedScenarios {

    private static final int FIRST_PORT = 40000;
    private static final int CONSECUTIVE_CLEAN = 10;

    private static int port = FIRST_PORT;

    private static final String AGENT_MARKER = "dev.selfconnect.agent";
    private static final int SETTLE_SECONDS = 30;

    /** What the starved code hands back: it allocates nothing itself. */
    private static Object[] hoard;
    private static Socket socket;
    private static InetSocketAddress target;
    private static Throwable thrown;
    private static boolean returned;
    private static boolean reachedBottom;
    private static int deepest;

    private StarvedScenarios() {
    }

    public static void main(String[] args) throws Exception {
        setRange(port);
        // the application has connected before: whatever the agent makes on first use exists already
        String warmUp = connectOnce();
        System.out.println("RESULT warm-up outcome=" + warmUp);
        awaitAgentSettled();
        if (args[0].equals("heap")) {
            for (int i = 1; i < args.length; i++) {
                int reserve = Integer.parseInt(args[i]);
                String outcome = connectWithHeapLeft(reserve);
                System.out.println("RESULT heap reserve=" + reserve + " outcome=" + outcome);
            }
        } else if (args[0].equals("stack")) {
            stack(Integer.parseInt(args[1]));
        } else {
            System.err.println("usage: StarvedScenarios heap RESERVE... | stack MAX_OFFSET");
            System.exit(2);
        }
        System.out.println("RESULT done");
    }

    /**
     * Waits until the agent's work in the background after its start is over (its own classes loaded, as its marker
     * property says), so that none of it runs while the heap or the stack is starved: the agent copes with an
     * allocation that fails on its own threads, but the heap then does not fill the way each round here expects.
     */
    private static void awaitAgentSettled() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
        String marker = "";
        while (System.nanoTime() < deadline) {
            marker = System.getProperty(AGENT_MARKER, "");
            if (marker.contains("protection: protects") && !marker.contains("being verified")
                    && !marker.contains("still loading")) {
                return;
            }
            Thread.sleep(100);
        }
        System.out.println("RESULT the agent did not settle in " + SETTLE_SECONDS + " s: " + marker);
        System.exit(3);
    }

    private static String connectOnce() throws IOException {
        prepare();
        try {
            socket.connect(target);
            returned = true;
        } catch (Throwable t) {
            thrown = t;
        }
        return outcome();
    }

    // ---- heap

    private static String connectWithHeapLeft(int reserve) throws IOException {
        prepare();
        hoard = new Object[4096];
        byte[] reserved = reserve > 0 ? new byte[reserve] : null;
        int filled = fill();
        reserved = null;
        try {
            socket.connect(target);
            returned = true;
        } catch (Throwable t) {
            thrown = t;
        }
        hoard = null;
        if (filled < 0) {
            return "other detail=the-heap-did-not-fill";
        }
        return outcome();
    }

    /** Fills the heap down to its last few bytes; returns how many arrays it took, -1 if the hoard ran out. */
    private static int fill() {
        int count = 0;
        int size = 1 << 20;
        while (size >= 1) {
            if (count == hoard.length) {
                return -1;
            }
            try {
                hoard[count] = new byte[size];
                count++;
            } catch (OutOfMemoryError e) {
                size /= 2;
            }
        }
        return count;
    }

    // ---- stack

    private static void stack(int maxOffset) throws IOException {
        deepest = 0;
        try {
            descend(0, Integer.MAX_VALUE);
        } catch (StackOverflowError e) {
            // deepest is as far as the stack goes
        }
        int max = deepest;
        System.out.println("RESULT stack deepest=" + max);
        int clean = 0;
        for (int offset = 1; offset <= maxOffset && offset < max && clean < CONSECUTIVE_CLEAN; offset++) {
            prepare();
            reachedBottom = false;
            try {
                descend(0, max - offset);
            } catch (StackOverflowError e) {
                if (!reachedBottom) {
                    System.out.println("RESULT stack offset=" + offset + " outcome=not-reached");
                    continue;
                }
                thrown = e;
            }
            String outcome = outcome();
            clean = outcome.equals("rejected") ? clean + 1 : 0;
            System.out.println("RESULT stack offset=" + offset + " outcome=" + outcome);
        }
    }

    /** Recurses to {@code target} frames (never compiled: the test excludes it, so each frame has one size). */
    private static void descend(int depth, int target) {
        deepest = depth;
        if (depth == target) {
            reachedBottom = true;
            try {
                socket.connect(StarvedScenarios.target);
                returned = true;
            } catch (Throwable t) {
                thrown = t;
            }
            return;
        }
        descend(depth + 1, target);
    }

    // ---- outcome

    private static void prepare() throws IOException {
        socket = new Socket();
        target = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
        thrown = null;
        returned = false;
    }

    /** Called with the memory and the stack back: what the connect did, and whether it left the port held. */
    private static String outcome() throws IOException {
        String outcome;
        boolean connected = socket.isConnected();
        boolean self = connected && socket.getLocalPort() == socket.getPort();
        if (returned) {
            outcome = self ? "SELF-CONNECTED" : "other detail=connected-to-" + socket.getRemoteSocketAddress()
                    + "-from-" + socket.getLocalSocketAddress();
        } else if (thrown.getClass().getName().endsWith("SelfConnectException")) {
            outcome = "rejected";
        } else if (thrown instanceof OutOfMemoryError || thrown instanceof StackOverflowError) {
            String error = thrown instanceof OutOfMemoryError ? "oom" : "soe";
            outcome = (connected ? "ERROR-CONNECTED" : thrownByTheAgent(thrown) ? "AGENT-" + error : "jdk-" + error)
                    + " detail=" + describe(thrown);
        } else {
            outcome = "other detail=" + describe(thrown);
        }
        socket.close();
        if (!portIsFree()) {
            outcome += " port-held";
            setRange(++port);
        }
        return outcome;
    }

    private static boolean thrownByTheAgent(Throwable t) {
        for (StackTraceElement frame : t.getStackTrace()) {
            String name = frame.getClassName();
            if (name.startsWith("dev.selfconnect.") && !name.startsWith("dev.selfconnect.scenarios.")
                    || name.equals("sun.nio.ch.SelfConnectBridge")) {
                return true;
            }
        }
        return false;
    }

    /** The error and where it was thrown: its top frames, up to the first of this class. */
    private static String describe(Throwable t) {
        StringBuilder where = new StringBuilder(t.toString().replace(' ', '_'));
        StackTraceElement[] frames = t.getStackTrace();
        for (int i = 0; i < frames.length && i < 6; i++) {
            if (frames[i].getClassName().equals(StarvedScenarios.class.getName())) {
                break;
            }
            where.append(i == 0 ? "@" : "<").append(frames[i].getClassName()).append('.')
                    .append(frames[i].getMethodName());
        }
        return where.toString();
    }

    private static boolean portIsFree() throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(false);
            server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (BindException e) {
            return false;
        } finally {
            server.close();
        }
    }

    /** The namespace's ephemeral range becomes the one port: a connect to it self-connects on the first try. */
    private static void setRange(int onlyPort) throws IOException {
        OutputStream out = new FileOutputStream("/proc/sys/net/ipv4/ip_local_port_range");
        try {
            out.write((onlyPort + " " + onlyPort + "\n").getBytes(StandardCharsets.US_ASCII));
        } finally {
            out.close();
        }
    }
}
