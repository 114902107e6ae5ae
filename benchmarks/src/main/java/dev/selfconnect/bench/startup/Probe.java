package dev.selfconnect.bench.startup;

import dev.selfconnect.bench.ConnectPath;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.Selector;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs in a fresh JVM started by the suite and prints {@code key=value} lines on stdout. The servers are in the
 * suite's JVM, so that nothing of the connect path is loaded here before the timed connect.
 * <ul>
 * <li>{@code connect PATH PORT [DELAY_MS]}: the time of this JVM's first connect+close, on PATH, to 127.0.0.1:PORT;
 * after sleeping DELAY_MS first, if given.</li>
 * <li>{@code load-classes COUNT DELAY_MS}: the time to load (without initializing) COUNT classes of java.desktop
 * that nothing has loaded yet, after sleeping DELAY_MS: what an agent's transformer costs every class loaded while
 * it is registered.</li>
 * <li>{@code footprint PORT...}: heap and metaspace used after a full GC, at the start of main and again after one
 * connect on every path to the first port and one Socket connect to each other port.</li>
 * </ul>
 */
public final class Probe {

    private Probe() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        if (args[0].equals("connect")) {
            ConnectPath path = ConnectPath.valueOf(args[1]);
            InetSocketAddress server = new InetSocketAddress(loopback, Integer.parseInt(args[2]));
            long delayMs = args.length > 3 ? Long.parseLong(args[3]) : 0;
            if (delayMs > 0) {
                Thread.sleep(delayMs);
            }
            long start = System.nanoTime();
            Selector selector = path == ConnectPath.CHANNEL_NONBLOCKING ? Selector.open() : null;
            path.connectAndClose(server, selector);
            long nanos = System.nanoTime() - start;
            System.out.println("firstConnectNanos=" + nanos);
        } else if (args[0].equals("load-classes")) {
            List<String> names = desktopClassNames(Integer.parseInt(args[1]));
            long delayMs = Long.parseLong(args[2]);
            if (delayMs > 0) {
                Thread.sleep(delayMs);
            }
            long start = System.nanoTime();
            for (String name : names) {
                Class.forName(name, false, null);
            }
            long nanos = System.nanoTime() - start;
            System.out.println("loadClassesNanos=" + nanos);
            System.out.println("classesLoadedByLoop=" + names.size());
        } else if (args[0].equals("footprint")) {
            printFootprint("start");
            try (Selector selector = Selector.open()) {
                for (ConnectPath path : ConnectPath.values()) {
                    path.connectAndClose(new InetSocketAddress(loopback, Integer.parseInt(args[1])), selector);
                }
                for (int i = 2; i < args.length; i++) {
                    ConnectPath.SOCKET.connectAndClose(new InetSocketAddress(loopback, Integer.parseInt(args[i])), null);
                }
            }
            printFootprint("connected");
        } else {
            throw new IllegalArgumentException("usage: Probe connect PATH PORT [DELAY_MS] | "
                    + "Probe load-classes COUNT DELAY_MS | Probe footprint PORT...");
        }
    }

    /** Top-level classes of java.desktop, in a fixed order, read from the runtime image before the timed part. */
    private static List<String> desktopClassNames(int count) throws IOException {
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        List<String> names;
        Path module = jrt.getPath("/modules/java.desktop");
        try (Stream<Path> files = Files.walk(module)) {
            names = files.map(p -> module.relativize(p).toString())
                    .filter(n -> n.endsWith(".class") && !n.contains("$") && !n.equals("module-info.class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .sorted()
                    .collect(Collectors.toList());
        }
        if (names.size() < count) {
            throw new IllegalStateException("java.desktop has only " + names.size() + " classes");
        }
        return names.subList(0, count);
    }

    private static void printFootprint(String when) {
        System.gc();
        System.gc();
        long metaspace = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().equals("Metaspace")) { // the whole of it, compressed class space included
                metaspace = pool.getUsage().getUsed();
            }
        }
        System.out.println(when + ".heapUsed=" + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        System.out.println(when + ".metaspaceUsed=" + metaspace);
        System.out.println(when + ".classesLoaded=" + ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
    }
}
