package dev.selfconnect.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/** A non-blocking connect driven by a Selector, as event loops do it. */
final class NioConnector implements Connector {
    private static final long CONNECT_TIMEOUT_MILLIS = 10_000;

    private final Selector selector = Selector.open();

    NioConnector() throws IOException {
    }

    @Override
    public Connection connect(InetSocketAddress target) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.configureBlocking(false);
            if (!channel.connect(target)) {
                SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
                try {
                    do {
                        if (selector.select(CONNECT_TIMEOUT_MILLIS) == 0) {
                            throw new SocketTimeoutException("connect to " + target + " timed out");
                        }
                        selector.selectedKeys().clear();
                    } while (!channel.finishConnect());
                } finally {
                    // A channel closed while registered keeps its socket open until the selector drops its key.
                    key.cancel();
                    selector.selectNow();
                }
            }
            return Connection.of((InetSocketAddress) channel.getLocalAddress(),
                    (InetSocketAddress) channel.getRemoteAddress(), channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
    }
}
