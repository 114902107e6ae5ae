package dev.selfconnect.demo;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * An established connection as the demo reports it. {@code local} is null when the API does not show
 * it (HttpClient); {@code note} then says how {@code self} was found out.
 * <p>
 * A self-connection is closed with a reset (SO_LINGER 0) where the API allows it: closed normally, it would stay
 * in TIME_WAIT on its port for a minute, and while it does Linux never hands that port out again as a source port to that destination, so
 * the next run on the same port could not reproduce.
 */
record Connection(InetSocketAddress local, InetSocketAddress remote, boolean self, String note, Closeable resource)
        implements Closeable {

    static Connection of(InetSocketAddress local, InetSocketAddress remote, Socket socket) {
        boolean self = local.equals(remote);
        return new Connection(local, remote, self, null, !self ? socket : () -> {
            try {
                socket.setSoLinger(true, 0);
            } finally {
                socket.close();
            }
        });
    }

    static Connection of(InetSocketAddress local, InetSocketAddress remote, SocketChannel channel) {
        boolean self = local.equals(remote);
        return new Connection(local, remote, self, null, !self ? channel : () -> {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } finally {
                channel.close();
            }
        });
    }

    /**
     * AsynchronousSocketChannel offers no SO_LINGER, so its self-connection is closed normally and waits in
     * TIME_WAIT: a later run must choose another port, as the default choice (a free port) does.
     */
    static Connection of(InetSocketAddress local, InetSocketAddress remote, AsynchronousSocketChannel channel) {
        return new Connection(local, remote, local.equals(remote), null, channel);
    }

    static Connection withoutAddresses(InetSocketAddress remote, boolean self, String note) {
        return new Connection(null, remote, self, note, () -> { });
    }

    String addressLine(long attempts) {
        String localText = local == null ? "unknown" : Addresses.format(local);
        return "attempts=" + attempts + " local=" + localText + " remote=" + Addresses.format(remote);
    }

    @Override
    public void close() throws IOException {
        resource.close();
    }
}
