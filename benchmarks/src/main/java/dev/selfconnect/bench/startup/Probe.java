package dev.selfconnect.bench.startup;

import dev.selfconnect.bench.ConnectPath;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Selector;

/**
 * Runs in a fresh JVM started by the suite and prints {@code key=value} lines on stdout.
 * <ul>
 * <li>{@code connect PATH PORT}: the time of this JVM's first connect+close, on PATH, to a server in another JVM
 * (so that nothing of the connect path is loaded before the timed connect).</li>
 * <li>{@code footprint PORT}: heap and metaspace used after a full GC, at the start of main and again after one
 * connect on every path.</li>
 * </ul>
 */
public final class Probe {

    private Probe() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName("127.0.0.1"),
                Integer.parseInt(args[args.length - 1]));
        if (args[0].equals("connect")) {
            ConnectPath path = ConnectPath.valueOf(args[1]);
            long start = System.nanoTime();
            Selector selector = path == ConnectPath.CHANNEL_NONBLOCKING ? Selector.open() : null;
            path.connectAndClose(server, selector);
            long nanos = System.nanoTime() - start;
            System.out.println("firstConnectNanos=" + nanos);
        } else if (args[0].equals("footprint")) {
            printFootprint("start");
            try (Selector selector = Selector.open()) {
                for (ConnectPath path : ConnectPath.values()) {
                    path.connectAndClose(server, selector);
                }
            }
            printFootprint("connected");
        } else {
            throw new IllegalArgumentException("usage: Probe connect PATH PORT | Probe footprint PORT");
        }
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
