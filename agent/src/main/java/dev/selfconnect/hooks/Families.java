package dev.selfconnect.hooks;

/**
 * The API families by id, client and server, made when first needed: the agent's start loads none of their classes,
 * a background thread makes them soon after, and a connect that comes first makes them itself.
 */
public abstract class Families {

    private volatile ConnectionFamily[] connections;
    private volatile ServerFamily[] servers;

    /** The client families, indexed by their ids. */
    protected abstract ConnectionFamily[] makeConnections();

    /** The server families, indexed by their ids. */
    protected abstract ServerFamily[] makeServers();

    public final ConnectionFamily connection(int id) {
        ConnectionFamily[] all = connections;
        if (all == null) {
            synchronized (this) {
                all = connections;
                if (all == null) {
                    all = makeConnections();
                    connections = all;
                }
            }
        }
        return all[id];
    }

    public final ServerFamily server(int id) {
        ServerFamily[] all = servers;
        if (all == null) {
            synchronized (this) {
                all = servers;
                if (all == null) {
                    all = makeServers();
                    servers = all;
                }
            }
        }
        return all[id];
    }

    /** Makes them all now. */
    public final void makeAll() {
        connection(0);
        server(0);
    }
}
