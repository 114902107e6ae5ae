package dev.selfconnect.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

final class ChannelConnector implements Connector {
    @Override
    public Connection connect(InetSocketAddress target) throws IOException {
        SocketChannel channel = SocketChannel.open(target);
        return Connection.of((InetSocketAddress) channel.getLocalAddress(),
                (InetSocketAddress) channel.getRemoteAddress(), channel);
    }
}
