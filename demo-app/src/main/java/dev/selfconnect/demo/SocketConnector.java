package dev.selfconnect.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

final class SocketConnector implements Connector {
    @Override
    public Connection connect(InetSocketAddress target) throws IOException {
        Socket socket = new Socket(target.getAddress(), target.getPort());
        return Connection.of((InetSocketAddress) socket.getLocalSocketAddress(),
                (InetSocketAddress) socket.getRemoteSocketAddress(), socket);
    }
}
