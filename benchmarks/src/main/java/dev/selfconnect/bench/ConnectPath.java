package dev.selfconnect.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutionException;

/**
 * The JDK's connect paths that the agent watches: one connect+close to a loopback server each. The JMH benchmarks
 * and the first-connect probe run this same code.
 *
 * <p>A tight loop of connects that the client closes first parks one ephemeral port per connect in TIME_WAIT for
 * 60 s and soon runs out of them (28,232 ports here; connect then fails with "Cannot assign requested address").
 * So the Socket and SocketChannel paths set SO_LINGER 0, and their close sends a RST: no TIME_WAIT on either end.
 * AsynchronousSocketChannel has no SO_LINGER: that path waits for the server's close (read returns -1) and closes
 * second, so the TIME_WAIT is the server's, on the server's port, and holds no client port. What this costs (a
 * setsockopt; a read) is the same with and without the agent.
 */
public enum ConnectPath {
    SOCKET {
        @Override
        public void connectAndClose(InetSocketAddress server, Selector unused) throws IOException {
            try (Socket socket = new Socket()) {
                socket.setSoLinger(true, 0);
                socket.connect(server);
            }
        }
    },
    CHANNEL_BLOCKING {
        @Override
        public void connectAndClose(InetSocketAddress server, Selector unused) throws IOException {
            try (SocketChannel channel = SocketChannel.open()) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                channel.connect(server);
            }
        }
    },
    /** connect, then a Selector waits for OP_CONNECT and finishConnect completes it, as NIO servers do. */
    CHANNEL_NONBLOCKING {
        @Override
        public void connectAndClose(InetSocketAddress server, Selector selector) throws IOException {
            SocketChannel channel = SocketChannel.open();
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                if (!channel.connect(server)) {
                    SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
                    while (!channel.finishConnect()) {
                        selector.select();
                    }
                    key.cancel();
                }
            } finally {
                channel.close();
                selector.selectNow(); // deregisters the cancelled key, which is what really closes the socket
            }
        }
    },
    ASYNC {
        @Override
        public void connectAndClose(InetSocketAddress server, Selector unused) throws IOException {
            try (AsynchronousSocketChannel channel = AsynchronousSocketChannel.open()) {
                channel.connect(server).get();
                // No SO_LINGER here: wait for the server's close (end of stream) and close second instead.
                if (channel.read(ByteBuffer.allocate(1)).get() != -1) {
                    throw new IOException("the loopback server sent data");
                }
            } catch (InterruptedException | ExecutionException e) {
                throw new IOException(e);
            }
        }
    };

    /** One connect+close; {@code selector} is used (and must be non-null) only by {@link #CHANNEL_NONBLOCKING}. */
    public abstract void connectAndClose(InetSocketAddress server, Selector selector) throws IOException;
}
