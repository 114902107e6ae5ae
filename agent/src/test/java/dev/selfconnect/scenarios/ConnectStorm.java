package dev.selfconnect.scenarios;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An application whose threads connect again and again to 127.0.0.1:40000 (in a one-port range: each connect that
 * gets the port self-connects), and count what happened. It prints the tally on standard output, and nothing on
 * standard error. The threads go on until REJECTIONS self-connections were rejected in all, or each made MAX_ATTEMPTS.
 * Usage: {@code ConnectStorm THREADS REJECTIONS MAX_ATTEMPTS}.
 */
public final class ConnectStorm {

    private ConnectStorm() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        final int wanted = Integer.parseInt(args[1]);
        final int attempts = Integer.parseInt(args[2]);
        final AtomicInteger rejected = new AtomicInteger();
        final AtomicInteger connected = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final InetSocketAddress target = new InetSocketAddress("127.0.0.1", 40000);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                for (int i = 0; i < attempts && rejected.get() < wanted; i++) {
                    try (Socket socket = new Socket()) {
                        socket.connect(target, 2000);
                        connected.incrementAndGet();
                        socket.setSoLinger(true, 0);
                    } catch (ConnectException e) {
                        if (e.getClass().getName().equals("dev.selfconnect.SelfConnectException")) {
                            rejected.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            }, "storm-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        System.out.println("RESULT rejected=" + rejected + " connected=" + connected + " failed=" + failed);
        System.out.flush();
    }
}
