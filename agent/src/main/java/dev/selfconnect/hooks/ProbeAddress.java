package dev.selfconnect.hooks;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The address the agent's hook probe connects to: an address of this class is the probe's, and where a hook reports
 * a refused connect to it, it is only counted as a sighting of that address: no record, no count, no report. Only the
 * probe's own thread passes it, and the hook calls its listener on that same thread.
 */
public final class ProbeAddress extends InetSocketAddress {

    private static final long serialVersionUID = 1L;

    /** One writer: the probe's thread. */
    private transient volatile long sightings;

    public ProbeAddress() {
        super(InetAddress.getLoopbackAddress(), 0);
    }

    /** True, and counted as a sighting, if {@code requested} is a probe's address. */
    public static boolean seen(Object requested) {
        if (!(requested instanceof ProbeAddress)) {
            return false;
        }
        ((ProbeAddress) requested).sightings++;
        return true;
    }

    public long sightings() {
        return sightings;
    }
}
