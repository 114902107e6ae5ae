package dev.selfconnect.hooks;

import java.net.InetSocketAddress;

/** One API family of servers (ServerSocket, ...): how to read the address a bound server listens on. */
public abstract class ServerFamily {

    private final int id;
    private final String api;

    protected ServerFamily(int id, String api) {
        this.id = id;
        this.api = api;
    }

    public final int id() {
        return id;
    }

    public final String api() {
        return api;
    }

    /** The address it is bound to, or null when it is not an IP address. */
    public abstract InetSocketAddress boundAddress(Object server) throws Exception;

    @Override
    public String toString() {
        return api;
    }
}
