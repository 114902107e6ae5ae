package dev.selfconnect.scenarios.java17;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Unix domain socket channels: Java 16 and later. */
public final class UnixDomain {

    private UnixDomain() {
    }

    /** Connects a client to a server over a socket file; returns the address the client got. */
    public static String connect() throws Exception {
        Path dir = Files.createTempDirectory("selfconnect-it");
        Path socketFile = dir.resolve("server.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socketFile));
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                client.connect(UnixDomainSocketAddress.of(socketFile));
                server.accept().close();
                return client.getRemoteAddress().toString();
            }
        } finally {
            Files.deleteIfExists(socketFile);
            Files.deleteIfExists(dir);
        }
    }
}
