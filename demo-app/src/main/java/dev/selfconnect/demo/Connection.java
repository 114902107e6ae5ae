package dev.selfconnect.demo;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * An established connection as the demo reports it. {@code local} is null when the API does not show
 * it (HttpClient); {@code note} then says how {@code self} was found out.
 */
record Connection(InetSocketAddress local, InetSocketAddress remote, boolean self, String note, Closeable resource)
        implements Closeable {

    static Connection of(InetSocketAddress local, InetSocketAddress remote, Closeable resource) {
        return new Connection(local, remote, local.equals(remote), null, resource);
    }

    static Connection withoutAddresses(InetSocketAddress remote, boolean self, String note) {
        return new Connection(null, remote, self, note, () -> { });
    }

    String addressLine(long attempts) {
        String localText = local == null ? "unknown" : Addresses.format(local);
        return "attempts=" + attempts + " local=" + localText + " remote=" + Addresses.format(remote);
    }

    @Override
    public void close() throws IOException {
        resource.close();
    }
}
