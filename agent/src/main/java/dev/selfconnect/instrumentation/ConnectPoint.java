package dev.selfconnect.instrumentation;

/**
 * A JDK method on whose normal return a TCP connect has completed, and the API name the report gives it. Methods that
 * return a boolean report a completed connect with {@code true}; the hook runs only then.
 */
final class ConnectPoint {

    /** Every point, on JDK 8 to 25: a method a JDK lacks is simply not found there. */
    static final ConnectPoint[] ALL = {
        // Every Socket connect overload, the connecting constructors, HttpURLConnection and SSL sockets end here.
        new ConnectPoint("java/net/Socket", "connect", "(Ljava/net/SocketAddress;I)V", "Socket"),
        // A blocking or immediate connect, and a finishConnect that completes a pending one.
        new ConnectPoint("sun/nio/ch/SocketChannelImpl", "connect", "(Ljava/net/SocketAddress;)Z", "SocketChannel"),
        new ConnectPoint("sun/nio/ch/SocketChannelImpl", "finishConnect", "()Z", "SocketChannel"),
        // The socket adaptor (SocketChannel.socket().connect) on JDK 11 and later.
        new ConnectPoint("sun/nio/ch/SocketChannelImpl", "blockingConnect", "(Ljava/net/SocketAddress;J)V",
                "SocketChannel"),
        // Both an immediate and a pending connect; an exception here fails the Future or the handler.
        new ConnectPoint("sun/nio/ch/UnixAsynchronousSocketChannelImpl", "setConnected", "()V",
                "AsynchronousSocketChannel"),
    };

    final String owner;
    final String method;
    final String descriptor;
    final String api;

    private ConnectPoint(String owner, String method, String descriptor, String api) {
        this.owner = owner;
        this.method = method;
        this.descriptor = descriptor;
        this.api = api;
    }

    boolean returnsBoolean() {
        return descriptor.endsWith(")Z");
    }
}
