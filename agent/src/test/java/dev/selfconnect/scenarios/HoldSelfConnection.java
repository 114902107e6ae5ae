package dev.selfconnect.scenarios;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Connects to 127.0.0.1:PORT (in a namespace whose ephemeral range is that one port, a self-connection), says so on
 * standard output and holds the connection until its standard input closes.
 */
public final class HoldSelfConnection {

    private HoldSelfConnection() {
    }

    public static void main(String[] args) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 2000);
        System.out.println("READY " + ConnectOnDemand.pid() + " " + socket.getLocalSocketAddress() + " -> "
                + socket.getRemoteSocketAddress());
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold the connection
        }
        socket.close();
    }
}
