package dev.selfconnect.audit;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The endpoints already reported, so that each is reported once. Lookups scan small arrays that are replaced, never
 * changed, when an endpoint is added: a repeated connect to an endpoint at risk allocates nothing and takes no lock.
 */
final class Findings {

    /** Beyond this many endpoints new ones are counted but no longer reported one by one. */
    static final int MAX_ENDPOINTS = 1000;

    static final class Entry {
        final String kind;
        final InetAddress address;
        final int port;
        final String api;

        Entry(String kind, InetAddress address, int port, String api) {
            this.kind = kind;
            this.address = address;
            this.port = port;
            this.api = api;
        }

        String describe() {
            return (AuditEvent.RISK_LISTEN.equals(kind) ? "listen " : AuditEvent.RISK_CONNECT.equals(kind)
                    ? "connect " : "self-connection ") + AuditEvent.endpoint(address, port) + " (" + api + ")";
        }
    }

    private volatile Entry[] entries = new Entry[0];

    boolean contains(String kind, InetAddress address, int port) {
        for (Entry entry : entries) {
            // kinds are compared by identity: they are the constants of AuditEvent
            if (entry.port == port && entry.kind == kind && entry.address.equals(address)) {
                return true;
            }
        }
        return false;
    }

    /** Adds the endpoint; false when it was there already, or when the list is full. */
    synchronized boolean add(String kind, InetAddress address, int port, String api) {
        if (contains(kind, address, port) || entries.length >= MAX_ENDPOINTS) {
            return false;
        }
        Entry[] grown = java.util.Arrays.copyOf(entries, entries.length + 1);
        grown[entries.length] = new Entry(kind, address, port, api);
        entries = grown;
        return true;
    }

    List<Entry> all() {
        List<Entry> list = new ArrayList<Entry>();
        Collections.addAll(list, entries);
        return list;
    }

    boolean isEmpty() {
        return entries.length == 0;
    }
}
