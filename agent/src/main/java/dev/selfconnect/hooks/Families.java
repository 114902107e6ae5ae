package dev.selfconnect.hooks;

/**
 * The API families by id, client and server, each made when first needed: the agent's start loads none of their
 * classes, and a connect loads only its own family's. A background thread makes the rest once the application's first
 * steps are past.
 */
public abstract class Families {

    private final int connectionFamilies;
    private final int serverFamilies;
    /**
     * Made with the first family (an array loads its element class) and copied on each addition, so that a family is
     * published whole with the array that holds it.
     */
    private volatile ConnectionFamily[] connections;
    private volatile ServerFamily[] servers;

    protected Families(int connectionFamilies, int serverFamilies) {
        this.connectionFamilies = connectionFamilies;
        this.serverFamilies = serverFamilies;
    }

    /**
     * Puts the client family with this id into its slot of the array. Stored rather than returned: to check a returned
     * family against a method's return type, the verifier loads the family's class, and every class a factory method
     * can return with it, as soon as it loads the factory; a store into an array is checked only when it runs.
     */
    protected abstract void makeConnection(int id, ConnectionFamily[] families);

    /** Puts the server family with this id into its slot of the array, as {@link #makeConnection} does. */
    protected abstract void makeServer(int id, ServerFamily[] families);

    public final ConnectionFamily connection(int id) {
        ConnectionFamily[] all = connections;
        return all != null && all[id] != null ? all[id] : addConnection(id);
    }

    public final ServerFamily server(int id) {
        ServerFamily[] all = servers;
        return all != null && all[id] != null ? all[id] : addServer(id);
    }

    /** Makes those not made yet. */
    public final void makeAll() {
        for (int id = 0; id < connectionFamilies; id++) {
            connection(id);
        }
        for (int id = 0; id < serverFamilies; id++) {
            server(id);
        }
    }

    private synchronized ConnectionFamily addConnection(int id) {
        ConnectionFamily[] all = connections;
        if (all == null || all[id] == null) {
            all = all == null ? new ConnectionFamily[connectionFamilies] : all.clone();
            makeConnection(id, all);
            if (all[id] == null || all[id].id() != id) {
                throw new IllegalStateException("connection family " + id + " is " + all[id]);
            }
            connections = all;
        }
        return all[id];
    }

    private synchronized ServerFamily addServer(int id) {
        ServerFamily[] all = servers;
        if (all == null || all[id] == null) {
            all = all == null ? new ServerFamily[serverFamilies] : all.clone();
            makeServer(id, all);
            if (all[id] == null || all[id].id() != id) {
                throw new IllegalStateException("server family " + id + " is " + all[id]);
            }
            servers = all;
        }
        return all[id];
    }
}
