package dev.selfconnect.audit;

import java.net.InetAddress;

/** One thing the audit found, as every sink receives it: a self-connection or a risk finding. */
public final class AuditEvent {

    /** The kinds of event, as the JSON {@code kind} field and the JFR event's kind spell them. */
    public static final String SELF_CONNECTION = "self-connection";
    public static final String RISK_CONNECT = "risk-connect";
    public static final String RISK_LISTEN = "risk-listen";

    public final long timeMillis;
    public final String kind;
    public final InetAddress localAddress;
    public final int localPort;
    /** Null for a listener. */
    public final InetAddress remoteAddress;
    public final int remotePort;
    public final String api;
    public final String thread;
    public final long pid;
    /** The application frames that made the connect or bind, innermost first. */
    public final String[] frames;
    /** The whole record, as the log shows it (without frames). */
    public final String message;
    /** What to do about it. */
    public final String fix;

    AuditEvent(String kind, InetAddress localAddress, int localPort, InetAddress remoteAddress, int remotePort,
               String api, String thread, String[] frames, String message, String fix) {
        this.timeMillis = System.currentTimeMillis();
        this.kind = kind;
        this.localAddress = localAddress;
        this.localPort = localPort;
        this.remoteAddress = remoteAddress;
        this.remotePort = remotePort;
        this.api = api;
        this.thread = thread;
        this.pid = Pid.current();
        this.frames = frames;
        this.message = message;
        this.fix = fix;
    }

    /** "127.0.0.1:40000" or "[::1]:40000"; null for a null address. */
    public static String endpoint(InetAddress address, int port) {
        if (address == null) {
            return null;
        }
        String host = address.getHostAddress();
        int zone = host.indexOf('%');
        if (host.indexOf(':') >= 0) {
            return "[" + (zone < 0 ? host : host.substring(0, zone)).replace("0:0:0:0:0:0:0:1", "::1")
                    .replace("0:0:0:0:0:0:0:0", "::") + "]:" + port;
        }
        return host + ":" + port;
    }

    /** The host name the application connected by, if it used one (no lookup is made), else null. */
    public static String hostName(InetAddress address) {
        if (address == null) {
            return null;
        }
        String text = address.toString();
        int slash = text.indexOf('/');
        return slash > 0 ? text.substring(0, slash) : null;
    }
}
