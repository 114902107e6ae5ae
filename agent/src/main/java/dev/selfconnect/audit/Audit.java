package dev.selfconnect.audit;

import dev.selfconnect.config.Settings;
import dev.selfconnect.reporting.AgentLog;
import dev.selfconnect.reporting.AgentStatistics;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit of one agent configuration: the risk rules, the events' sinks (JSON Lines file, JFR) and the summary at
 * exit. The guard calls it; the MBean reads it. Findings are kept per JVM, across reconfigurations, so that an
 * endpoint is reported once.
 * <p>
 * Costs: building it reads the two kernel files (only when risk findings are on) and nothing else. The guard asks
 * {@link #mayBeAtRisk} on every completed connect, which compares ints; everything else runs only for a port inside
 * the ephemeral range, and allocates only the first time an endpoint is found.
 */
public final class Audit {

    private static final Object lock = new Object();
    private static volatile Audit current;
    private static boolean summaryRegistered;

    private final Settings settings;
    private final AgentStatistics statistics;
    /** Null when risk findings are off. */
    private final PortFiles ports;
    /** Made at the first connect to a port at risk: nothing but the kernel files is touched at JVM start. */
    private volatile LocalAddresses local;
    /** Made at the first event. */
    private List<EventSink> sinks;

    private Audit(Settings settings, AgentStatistics statistics, PortFiles ports) {
        this.settings = settings;
        this.statistics = statistics;
        this.ports = ports;
    }

    /** The endpoints reported in this JVM; its class loads at the first finding, not at JVM start. */
    private static final class Reported {
        static final Findings findings = new Findings();
    }

    /** The audit for these settings; it replaces the previous one (whose file is closed). */
    public static Audit configure(Settings settings, AgentStatistics statistics) {
        return configure(settings, statistics, PortFiles.DEFAULT_DIRECTORY);
    }

    static Audit configure(Settings settings, AgentStatistics statistics, java.nio.file.Path procDirectory) {
        synchronized (lock) {
            Audit previous = current;
            Audit audit = new Audit(settings, statistics, settings.risks() ? new PortFiles(procDirectory) : null);
            current = audit;
            if (previous != null) {
                previous.close();
            }
            return audit;
        }
    }

    /** The audit in force, or null before the agent is installed. */
    public static Audit current() {
        return current;
    }

    public Settings settings() {
        return settings;
    }

    public AgentStatistics statistics() {
        return statistics;
    }

    /** The endpoints found so far, as the summary and the MBean list them: "listen 0.0.0.0:40005 (ServerSocket)". */
    public static List<String> endpoints() {
        List<String> list = new ArrayList<String>();
        for (Findings.Entry entry : Reported.findings.all()) {
            list.add(entry.describe());
        }
        return list;
    }

    /**
     * The cheap part of the risk check, on every connect: is the remote port inside the cached range and not
     * reserved? The local port the kernel gave the connect tells whether the cached range may be out of date.
     */
    public boolean mayBeAtRisk(int remotePort, int localPort) {
        PortFiles files = ports;
        return files != null && files.mayBeAtRisk(remotePort, localPort);
    }

    /**
     * The costly part, once {@link #mayBeAtRisk} said yes for the remote port: a connect to one of this machine's
     * addresses, not ignored, not reported before, is a risk finding.
     */
    public void connectedToPortAtRisk(InetAddress localAddress, int localPort, InetAddress remoteAddress,
                                      int remotePort, String api) {
        if (!isNewConnectRisk(remoteAddress, remotePort)) {
            return;
        }
        EphemeralPorts now = ports.current();
        if (now == null || !now.atRisk(remotePort)
                || !Reported.findings.add(AuditEvent.RISK_CONNECT, remoteAddress, remotePort, api)) {
            return;
        }
        statistics.countRisk();
        String endpoint = AuditEvent.endpoint(remoteAddress, remotePort);
        String thread = Thread.currentThread().getName();
        String[] frames = Frames.application(new Throwable().getStackTrace());
        String fix = now.fix(remotePort);
        String message = "connect to " + endpoint + " via " + api + " on thread \"" + thread + "\": port "
                + remotePort + " lies in the ephemeral port range " + now.range() + " (net.ipv4.ip_local_port_range)"
                + " and is not reserved, so this client connects to itself whenever nothing listens there; " + fix;
        AuditLog.risk(message + (settings.stackTraces() ? Frames.asLines(frames) : ""));
        publish(new AuditEvent(AuditEvent.RISK_CONNECT, localAddress, localPort, remoteAddress, remotePort, api,
                thread, frames, message, fix));
        somethingFound();
    }

    /**
     * Whether a connect to this endpoint (its port already found at risk by {@link #mayBeAtRisk}) is a finding not
     * reported yet: a scan of the few endpoints reported so far, then of this machine's addresses. Nothing is
     * allocated for an IPv4 or loopback endpoint, so connecting again and again to an endpoint reported once costs
     * only the scan.
     */
    public boolean isNewConnectRisk(InetAddress remoteAddress, int remotePort) {
        return ports != null && remoteAddress != null
                && !Reported.findings.contains(AuditEvent.RISK_CONNECT, remoteAddress, remotePort)
                && localAddresses().isLocal(remoteAddress) && !settings.ignore().matches(remoteAddress, remotePort);
    }

    private LocalAddresses localAddresses() {
        LocalAddresses addresses = local;
        if (addresses == null) {
            addresses = new LocalAddresses();
            local = addresses;
        }
        return addresses;
    }

    /** A server socket bound to a fixed port: a risk finding when that port is inside the range and not reserved. */
    public void listening(InetAddress address, int port, String api) {
        if (ports == null || address == null || port <= 0) {
            return;
        }
        EphemeralPorts now = ports.current();
        if (now == null || !now.atRisk(port) || settings.ignore().matches(address, port)
                || !Reported.findings.add(AuditEvent.RISK_LISTEN, address, port, api)) {
            return;
        }
        statistics.countRisk();
        String endpoint = AuditEvent.endpoint(address, port);
        String thread = Thread.currentThread().getName();
        String[] frames = Frames.application(new Throwable().getStackTrace());
        String fix = now.fix(port);
        String message = api + " listens on " + endpoint + " (thread \"" + thread + "\"): port " + port
                + " lies in the ephemeral port range " + now.range() + " (net.ipv4.ip_local_port_range) and is not"
                + " reserved, so any local client may get it as its source port and hold it while this server"
                + " restarts; " + fix;
        AuditLog.risk(message + (settings.stackTraces() ? Frames.asLines(frames) : ""));
        publish(new AuditEvent(AuditEvent.RISK_LISTEN, address, port, null, 0, api, thread, frames, message, fix));
        somethingFound();
    }

    /** A self-connection the guard has reported: to the sinks, and into the summary. */
    public void selfConnection(InetAddress address, int port, String api, String thread, StackTraceElement[] stack,
                               String message, String fix) {
        Reported.findings.add(AuditEvent.SELF_CONNECTION, address, port, api);
        publish(new AuditEvent(AuditEvent.SELF_CONNECTION, address, port, address, port, api, thread,
                Frames.application(stack), message, fix));
        somethingFound();
    }

    private void publish(AuditEvent event) {
        for (EventSink sink : sinks()) {
            try {
                sink.publish(event);
            } catch (Throwable failure) {
                AgentLog.internalFailure("publishing an audit event to " + sink, failure);
            }
        }
    }

    private synchronized List<EventSink> sinks() {
        if (sinks == null) {
            List<EventSink> list = new ArrayList<EventSink>();
            if (settings.auditFile() != null) {
                list.add(new JsonLinesFile(settings.auditFile()));
            }
            list.add(new FlightRecorderSink());
            sinks = list;
        }
        return sinks;
    }

    private synchronized void close() {
        if (sinks == null) {
            return;
        }
        for (EventSink sink : sinks) {
            try {
                sink.close();
            } catch (Throwable ignored) {
                // closing is best effort
            }
        }
    }

    private static void somethingFound() {
        synchronized (lock) {
            if (summaryRegistered) {
                return;
            }
            summaryRegistered = true;
        }
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
                @Override
                public void run() {
                    Audit audit = current;
                    if (audit != null) {
                        for (String line : audit.summary()) {
                            AuditLog.summary(line);
                        }
                    }
                }
            }, "selfconnect-summary"));
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting: no summary
        }
    }

    /** The lines of the summary at exit: the counts, the endpoints, the fix. */
    List<String> summary() {
        List<String> lines = new ArrayList<String>();
        lines.add(statistics.selfConnections() + " self-connection(s), " + statistics.risks()
                + " risk finding(s), " + statistics.rejections() + " SelfConnectException(s) thrown, "
                + statistics.checks() + " connect(s) checked");
        List<Integer> atRisk = new ArrayList<Integer>();
        EphemeralPorts now = ports == null ? null : ports.current();
        for (Findings.Entry entry : Reported.findings.all()) {
            lines.add("  " + entry.describe());
            if (now != null && now.atRisk(entry.port) && !atRisk.contains(entry.port)) {
                atRisk.add(entry.port);
            }
        }
        if (now != null && !atRisk.isEmpty()) {
            lines.add("fix: sysctl -w net.ipv4.ip_local_reserved_ports=" + now.reserved.with(atRisk)
                    + " (persist it in /etc/sysctl.d), or move these ports out of " + now.range());
        }
        return lines;
    }
}
