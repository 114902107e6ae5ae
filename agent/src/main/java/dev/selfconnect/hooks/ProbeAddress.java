package dev.selfconnect.hooks;

/**
 * The address the agent's hook probe connects to. Where a hook reports a refused connect, this address is recognised
 * by identity and only counted as a sighting: no record, no count, no report. Only the probe's own thread passes it,
 * and the hook calls its listener on that same thread.
 */
public final class ProbeAddress {

    private static volatile Object address;
    private static volatile long sightings;

    private ProbeAddress() {
    }

    /** The probe's address, from now on. */
    public static void use(Object probeAddress) {
        address = probeAddress;
    }

    /** True, and counted as a sighting, if {@code requested} is the probe's own address. */
    public static boolean seen(Object requested) {
        if (requested == null || requested != address) {
            return false;
        }
        sightings++; // one writer: the probe's thread
        return true;
    }

    public static long sightings() {
        return sightings;
    }
}
