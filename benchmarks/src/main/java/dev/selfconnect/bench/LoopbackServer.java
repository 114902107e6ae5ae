package dev.selfconnect.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A server on 127.0.0.1 and an ephemeral port whose one thread accepts every connection and closes it at once, so
 * the accept queue never fills (a full queue would drop SYNs and stall a connect for a second).
 */
public final class LoopbackServer implements AutoCloseable {

    private final ServerSocket server;
    private final Thread acceptor;

    public LoopbackServer() throws IOException {
        server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptAll, "loopback-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
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
