package dev.selfconnect.hooks;

import java.net.InetAddress;

/**
 * One API family of client connections (Socket, SocketChannel, ...): how to read the endpoints of an object its hook
 * points hand over, and how to reset it. The guard reads the ports first (the common case, ports that differ, ends
 * there) and the addresses only when the ports are equal or a risk check needs them.
 */
public abstract class ConnectionFamily {

    private final int id;
    private final String api;

    protected ConnectionFamily(int id, String api) {
        this.id = id;
        this.api = api;
    }

    /** The index the hook points pass to the bridge. */
    public final int id() {
        return id;
    }

    /** The name of the API family in the reports: "Socket". */
    public final String api() {
        return api;
    }

    /** Whether this object is a connection of this family over TCP/IP (not a Unix domain socket, say). */
    public abstract boolean isTcp(Object connection) throws Exception;

    public abstract int localPort(Object connection) throws Exception;

    public abstract int remotePort(Object connection) throws Exception;

    public abstract InetAddress localAddress(Object connection) throws Exception;

    public abstract InetAddress remoteAddress(Object connection) throws Exception;

    /**
     * Drops the connection so that its port is free at once (SO_LINGER 0, so no TIME_WAIT keeps the real server from
     * binding it), as far as it can be done before the bridge throws into the connecting method.
     */
    public abstract void reset(Object connection) throws Exception;

    @Override
    public String toString() {
        return api;
    }
}
