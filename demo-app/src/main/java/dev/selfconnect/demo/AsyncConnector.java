package dev.selfconnect.demo;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

final class AsyncConnector implements Connector {
    private static final long CONNECT_TIMEOUT_SECONDS = 10;

    @Override
    public Connection connect(InetSocketAddress target) throws IOException {
        AsynchronousSocketChannel channel = AsynchronousSocketChannel.open();
        try {
            channel.connect(target).get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return Connection.of((InetSocketAddress) channel.getLocalAddress(),
                    (InetSocketAddress) channel.getRemoteAddress(), channel);
        } catch (ExecutionException e) {
            channel.close();
            throw e.getCause() instanceof IOException ? (IOException) e.getCause() : new IOException(e.getCause());
        } catch (TimeoutException e) {
            channel.close();
            throw new SocketTimeoutException("connect to " + target + " timed out");
        } catch (InterruptedException e) {
            channel.close();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting to " + target);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
