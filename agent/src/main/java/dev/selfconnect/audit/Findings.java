package dev.selfconnect.audit;

import dev.selfconnect.vocabulary.Endpoint;
import dev.selfconnect.vocabulary.EventKind;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The endpoints already reported in this JVM, so that each is reported once; kept across reconfigurations. Lookups
 * scan small arrays that are replaced, never changed, when an endpoint is added: a repeated connect to an endpoint at
 * risk allocates nothing and takes no lock.
 */
public final class Findings {

    /**
     * Beyond this many endpoints a new one is neither kept nor reported: it is counted (repeats included, since a
     * finding that is not kept cannot be recognised again).
     */
    public static final int MAX_ENDPOINTS = 1000;

    static final class Entry {
        final EventKind kind;
        final InetAddress address;
        final int port;
        final String api;

        Entry(EventKind kind, InetAddress address, int port, String api) {
            this.kind = kind;
            this.address = address;
            this.port = port;
            this.api = api;
        }

        /** "listen 127.0.0.1:40005 (ServerSocket)". */
        String describe() {
            return kind.shortLabel() + " " + Endpoint.format(address, port) + " (" + api + ")";
        }
    }

    /** Null until the first endpoint: an empty array would load the entry class with the agent's start. */
    private volatile Entry[] entries;
    private final AtomicLong beyondCap = new AtomicLong();

    boolean contains(EventKind kind, InetAddress address, int port) {
        Entry[] current = entries;
        if (current == null) {
            return false;
        }
        for (Entry entry : current) {
            if (entry.port == port && entry.kind == kind && entry.address.equals(address)) {
                return true;
            }
        }
        return false;
    }

    /** Adds the endpoint: true when it is new and kept; false when known, or past the cap (then it is counted). */
    synchronized boolean add(EventKind kind, InetAddress address, int port, String api) {
        if (contains(kind, address, port)) {
            return false;
        }
        Entry[] current = entries;
        int count = current == null ? 0 : current.length;
        if (count >= MAX_ENDPOINTS) {
            beyondCap.incrementAndGet();
            return false;
        }
        Entry[] grown = current == null ? new Entry[1] : Arrays.copyOf(current, count + 1);
        grown[count] = new Entry(kind, address, port, api);
        entries = grown;
        return true;
    }

    List<Entry> all() {
        List<Entry> list = new ArrayList<Entry>();
        Entry[] current = entries;
        if (current != null) {
            Collections.addAll(list, current);
        }
        return list;
    }

    /** Findings past the cap, which are counted but not listed. */
    public long beyondCap() {
        return beyondCap.get();
    }

    /** The endpoints found so far, as the summary and the MBean list them: "listen 0.0.0.0:40005 (ServerSocket)". */
    public List<String> describeAll() {
        List<String> list = new ArrayList<String>();
        for (Entry entry : all()) {
            list.add(entry.describe());
        }
        return list;
    }
}
