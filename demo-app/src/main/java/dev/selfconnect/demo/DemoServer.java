package dev.selfconnect.demo;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A real peer for "no false positive" checks: accepts connections and answers HTTP requests with 200. */
final class DemoServer implements Closeable {
    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 26\r\n"
            + "Connection: close\r\n\r\nhello from the demo server").getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket serverSocket;

    DemoServer(InetSocketAddress address) throws IOException {
        serverSocket = new ServerSocket();
        serverSocket.bind(address);
        Thread acceptor = new Thread(this::acceptUntilClosed, "demo-server-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    private void acceptUntilClosed() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                Thread handler = new Thread(() -> answer(socket), "demo-server-connection");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                // closed: the loop ends
            }
        }
    }

    /** Answers once the request head is in; a client that only connects and closes gets nothing. */
    private static void answer(Socket socket) {
        try (socket; InputStream in = socket.getInputStream()) {
            String head = "";
            byte[] buffer = new byte[1024];
            int n;
            while (!head.contains("\r\n\r\n") && head.length() < 16_384 && (n = in.read(buffer)) > 0) {
                head += new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
            }
            if (head.contains("\r\n\r\n")) {
                socket.getOutputStream().write(RESPONSE);
            }
        } catch (IOException e) {
            // the client went away: nothing to do
        }
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
    }
}
