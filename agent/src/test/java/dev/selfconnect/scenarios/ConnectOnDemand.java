package dev.selfconnect.scenarios;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A long-running application for the attach tests, started without the agent: it connects when told to on standard
 * input and prints what happened, so that a test can attach the agent between two connects. It knows nothing of the
 * agent. Commands, one a line:
 * <ul>
 *   <li>{@code socket [HOST PORT]}: connect with java.net.Socket (default 127.0.0.1:40000)</li>
 *   <li>{@code channel [HOST PORT]}: connect with a blocking SocketChannel</li>
 *   <li>{@code bind [PORT]}: whether a server could listen on the port now</li>
 *   <li>{@code exit}</li>
 * </ul>
 * Every answer is one line starting with {@code RESULT}; a connection is aborted (RST) once reported, so that a
 * self-connection leaves no TIME_WAIT behind on the one port of the test's range.
 */
public final class ConnectOnDemand {

    private ConnectOnDemand() {
    }

    /** What a JMX client sees of the agent's MBean, as JConsole would read it. */
    private static void mbean() {
        try {
            javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            javax.management.ObjectName name = new javax.management.ObjectName("selfconnect:type=Agent");
            if (!server.isRegistered(name)) {
                System.out.println("RESULT mbean registered=false");
                return;
            }
            System.out.println("RESULT mbean registered=true State=" + server.getAttribute(name, "State") + " Mode="
                    + server.getAttribute(name, "Mode") + " Protection=" + server.getAttribute(name, "Protection"));
        } catch (Exception e) {
            System.out.println("RESULT mbean failed " + e);
        }
    }

    /** Whether this process holds a file open: a file descriptor in /proc/self/fd points to it. */
    private static void holds(String file) throws IOException {
        boolean open = false;
        try (java.nio.file.DirectoryStream<java.nio.file.Path> fds = java.nio.file.Files.newDirectoryStream(
                java.nio.file.Paths.get("/proc/self/fd"))) {
            for (java.nio.file.Path fd : fds) {
                try {
                    open |= java.nio.file.Files.readSymbolicLink(fd).toString().equals(file);
                } catch (IOException closedMeanwhile) {
                    // the descriptor of the directory listing itself, or one closed meanwhile
                }
            }
        }
        System.out.println("RESULT holds " + open);
    }

    public static void main(String[] args) throws IOException {
        System.out.println("READY pid=" + pid() + " java=" + System.getProperty("java.version"));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split("\\s+");
            if (words[0].equals("mbean")) {
                mbean();
                continue;
            }
            if (words[0].equals("holds")) {
                holds(words[1]);
                continue;
            }
            if (words[0].equals("lookup")) {
                // a resource no entry has: the class loader asks every jar on the class path, the agent's included
                System.out.println("RESULT lookup " + (ClassLoader.getSystemResource(words[1]) == null
                        ? "absent" : "found"));
                continue;
            }
            InetSocketAddress target = new InetSocketAddress(words.length > 2 ? words[1] : "127.0.0.1",
                    Integer.parseInt(words.length > 2 ? words[2] : words.length > 1 ? words[1] : "40000"));
            switch (words[0]) {
                case "socket":
                    socket(target);
                    break;
                case "channel":
                    channel(target);
                    break;
                case "bind":
                    bind(target);
                    break;
                case "exit":
                    System.out.println("RESULT bye");
                    return;
                default:
                    System.out.println("RESULT unknown command " + line);
            }
        }
    }

    /** The process id, as Java 8 can tell it: the runtime's name is "PID@HOST". */
    static String pid() {
        String name = ManagementFactory.getRuntimeMXBean().getName();
        return name.substring(0, name.indexOf('@'));
    }

    private static void socket(InetSocketAddress target) {
        try (Socket s = new Socket()) {
            s.connect(target, 2000);
            connected(s.getLocalSocketAddress(), s.getRemoteSocketAddress());
            s.setSoLinger(true, 0);
        } catch (Throwable t) {
            exception(t);
        }
    }

    private static void channel(InetSocketAddress target) {
        try (SocketChannel ch = SocketChannel.open()) {
            ch.connect(target);
            connected(ch.getLocalAddress(), ch.getRemoteAddress());
            ch.socket().setSoLinger(true, 0);
        } catch (Throwable t) {
            exception(t);
        }
    }

    private static void bind(InetSocketAddress target) {
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(false);
            server.bind(target);
            System.out.println("RESULT bind ok " + text(server.getLocalSocketAddress()));
        } catch (Throwable t) {
            System.out.println("RESULT bind failed " + t);
        }
    }

    private static void connected(SocketAddress local, SocketAddress remote) {
        System.out.println("RESULT connected local=" + text(local) + " remote=" + text(remote));
    }

    private static void exception(Throwable t) {
        System.out.println("RESULT exception " + t.getClass().getName() + ": " + t.getMessage());
    }

    private static String text(SocketAddress address) {
        InetSocketAddress inet = (InetSocketAddress) address;
        return inet.getAddress().getHostAddress() + ":" + inet.getPort();
    }
}
