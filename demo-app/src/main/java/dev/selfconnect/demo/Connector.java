package dev.selfconnect.demo;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;

/** One way of opening a TCP connection, as an ordinary application would. */
interface Connector extends Closeable {

    /** One attempt. A refused or otherwise failed attempt throws and leaves nothing open. */
    Connection connect(InetSocketAddress target) throws IOException;

    @Override
    default void close() throws IOException {
    }
}
