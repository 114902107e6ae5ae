package dev.selfconnect.audit;

import dev.selfconnect.vocabulary.EventKind;

import java.net.InetAddress;

/** One thing the audit found, as every sink receives it: a self-connection or a risk finding. */
public final class AuditEvent {

    public final long timeMillis;
    public final EventKind kind;
    public final InetAddress localAddress;
    public final int localPort;
    /** Null for a listener. */
    public final InetAddress remoteAddress;
    public final int remotePort;
    public final String api;
    public final String thread;
    /** The application frames that made the connect or bind, innermost first. */
    public final String[] frames;
    /** The whole record, as the log shows it (without frames). */
    public final String message;
    /** What to do about it. */
    public final String fix;
    /** The service name the {@code service} setting gave, or null: then the resolved identity's. */
    public final String configuredService;

    AuditEvent(EventKind kind, InetAddress localAddress, int localPort, InetAddress remoteAddress, int remotePort,
               String api, String thread, String[] frames, String message, String fix, String configuredService) {
        this.timeMillis = System.currentTimeMillis();
        this.kind = kind;
        this.localAddress = localAddress;
        this.localPort = localPort;
        this.remoteAddress = remoteAddress;
        this.remotePort = remotePort;
        this.api = api;
        this.thread = thread;
        this.frames = frames;
        this.message = message;
        this.fix = fix;
        this.configuredService = configuredService;
    }
}
