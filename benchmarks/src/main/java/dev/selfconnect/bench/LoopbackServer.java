package dev.selfconnect.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * A server on 127.0.0.1 whose one thread accepts every connection and closes it at once, so the accept queue never
 * fills (a full queue would drop SYNs and stall a connect for a second).
 *
 * <p>Its port is either "fixed", the first free one below the kernel's ephemeral range, as servers usually have, or
 * "ephemeral", one that the kernel picks inside that range. The agent's audit treats them differently: a connect to a
 * port inside the range is a risk finding (reported once per endpoint, then looked up on every connect).
 */
public final class LoopbackServer implements AutoCloseable {

    public static final String FIXED = "fixed";
    public static final String EPHEMERAL = "ephemeral";

    private final ServerSocket server;
    private final Thread acceptor;

    public LoopbackServer(String port) throws IOException {
        if (port.equals(EPHEMERAL)) {
            server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        } else if (port.equals(FIXED)) {
            server = bindBelowEphemeralRange();
        } else {
            throw new IllegalArgumentException("port must be " + FIXED + " or " + EPHEMERAL + ", not " + port);
        }
        acceptor = new Thread(this::acceptAll, "loopback-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static ServerSocket bindBelowEphemeralRange() throws IOException {
        int low = 32768;
        try {
            // readAllLines: Files.readString reads only the first byte of this file on JDK 17
            low = Integer.parseInt(Files.readAllLines(Paths.get("/proc/sys/net/ipv4/ip_local_port_range")).get(0)
                    .trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            // not Linux: the usual lower bound
        }
        for (int port = Math.min(20000, low - 1); port > 1024; port--) {
            try {
                return new ServerSocket(port, 4096, InetAddress.getLoopbackAddress());
            } catch (IOException taken) {
                // try the next one down
            }
        }
        throw new IOException("no free port below " + low);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void acceptAll() {
        while (!server.isClosed()) {
            try {
                // A plain close (FIN): a RST from here could reach a non-blocking client before its finishConnect
                // and fail it. The client's SO_LINGER 0 close then answers with a RST: no TIME_WAIT on either end.
                server.accept().close();
            } catch (IOException e) {
                // close() ends accept() with an exception
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
