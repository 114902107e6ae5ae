package dev.selfconnect.audit;

import dev.selfconnect.config.Settings;
import dev.selfconnect.reporting.AgentLog;
import dev.selfconnect.reporting.AgentStatistics;
import dev.selfconnect.reporting.ReportQueue;
import dev.selfconnect.vocabulary.ApplicationFrames;
import dev.selfconnect.vocabulary.Endpoint;
import dev.selfconnect.vocabulary.EphemeralPorts;
import dev.selfconnect.vocabulary.EventKind;
import dev.selfconnect.vocabulary.KernelPortFiles;
import dev.selfconnect.vocabulary.Remedy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit of one agent configuration: the risk rules, the events' sinks (JSON Lines file, JFR) and the summary.
 * The guard calls it; the agent's state owns it and closes it when the configuration is replaced.
 * <p>
 * Costs: the guard asks {@link #mayBeAtRisk} on every completed connect, which compares ints against the cached
 * kernel files; everything else runs only for a port inside the ephemeral range, and allocates only the first time an
 * endpoint is found.
 */
public final class Audit {

    public static final String RISK_TAG = "RISK";
    static final String FRAMES_ABOVE = "\t(frames as in the self-connection record above)";
    /** The summary lists at most this many endpoints, then "and N more". */
    public static final int SUMMARY_ENDPOINTS = 20;

    private final Settings settings;
    private final AgentStatistics statistics;
    private final Findings findings;
    /** Null when risk findings are off. */
    private final KernelPortFiles ports;
    /** Made at the first connect to a port at risk. */
    private volatile LocalAddresses local;
    /** Made at the first event. */
    private List<EventSink> sinks;
    private boolean closed;

    /**
     * @param ports the kernel files, or null when risk findings are off
     */
    public Audit(Settings settings, AgentStatistics statistics, Findings findings, KernelPortFiles ports) {
        this.settings = settings;
        this.statistics = statistics;
        this.findings = findings;
        this.ports = settings.risks() ? ports : null;
    }

    /**
     * The cheap part of the risk check, on every connect: is the remote port inside the cached range and not
     * reserved? The local port the kernel gave the connect tells whether the cached range may be out of date.
     */
    public boolean mayBeAtRisk(int remotePort, int localPort) {
        KernelPortFiles files = ports;
        return files != null && files.mayBeAtRisk(remotePort, localPort);
    }

    /**
     * Whether a connect to this endpoint (its port already found at risk by {@link #mayBeAtRisk}) is a finding not
     * reported yet: a scan of the few endpoints reported so far, then of this machine's addresses. Nothing is
     * allocated for an IPv4 or loopback endpoint.
     */
    public boolean isNewConnectRisk(InetAddress remoteAddress, int remotePort) {
        return ports != null && remoteAddress != null
                && !findings.contains(EventKind.RISK_CONNECT, remoteAddress, remotePort)
                && localAddresses().isLocal(remoteAddress) && !settings.ignore().matches(remoteAddress, remotePort);
    }

    /** A connect to a local port at risk, new ({@link #isNewConnectRisk}): a risk finding, unless reserved since. */
    public void connectedToPortAtRisk(InetAddress localAddress, int localPort, InetAddress remoteAddress,
                                      int remotePort, String api) {
        connectedToPortAtRisk(localAddress, localPort, remoteAddress, remotePort, api, false);
    }

    /** @param framesShownAbove the record just before (the self-connection's) showed this connect's frames */
    public void connectedToPortAtRisk(InetAddress localAddress, int localPort, InetAddress remoteAddress,
                                      int remotePort, String api, boolean framesShownAbove) {
        if (isNewConnectRisk(remoteAddress, remotePort)) {
            connectRisk(localAddress, localPort, remoteAddress, remotePort, api, false, framesShownAbove);
        }
    }

    /**
     * A connect to this local endpoint was refused or timed out ({@link #isNewConnectRisk} said it is new): a risk
     * finding when its port is inside the range and not reserved. Nothing listens there, so the next attempt may
     * connect to itself.
     */
    public void refusedAtRisk(InetAddress remoteAddress, int remotePort, String api) {
        connectRisk(null, 0, remoteAddress, remotePort, api, true, false);
    }

    /** A connect risk, completed or refused: reported unless the port was reserved since or is known already. */
    private void connectRisk(InetAddress localAddress, int localPort, InetAddress remoteAddress, int remotePort,
                             String api, boolean refused, boolean framesShownAbove) {
        EphemeralPorts now = ports.current();
        if (now == null || !now.atRisk(remotePort)
                || !findings.add(EventKind.RISK_CONNECT, remoteAddress, remotePort, api)) {
            return;
        }
        statistics.countRisk();
        String thread = Thread.currentThread().getName();
        String[] frames = ApplicationFrames.of(new Throwable().getStackTrace());
        String fix = Remedy.forPort(now, remotePort);
        String message = "connect to " + Endpoint.format(remoteAddress, remotePort) + " via " + api + " on thread \""
                + thread + "\"" + (refused ? " found nothing listening" : "") + ": port " + remotePort + " lies in the"
                + " ephemeral port range " + now.range() + " (" + Remedy.RANGE_SETTING + ") and is not reserved, so "
                + (refused ? "a next attempt may connect to itself; "
                : "this client connects to itself whenever nothing listens there; ") + fix;
        AgentLog.tagged(RISK_TAG, message + (!settings.stackTraces() ? "" : framesShownAbove
                ? System.lineSeparator() + FRAMES_ABOVE : ApplicationFrames.asLines(frames)));
        publish(new AuditEvent(EventKind.RISK_CONNECT, localAddress, localPort, remoteAddress, remotePort, api,
                thread, frames, message, fix));
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
                || !findings.add(EventKind.RISK_LISTEN, address, port, api)) {
            return;
        }
        statistics.countRisk();
        String thread = Thread.currentThread().getName();
        String[] frames = ApplicationFrames.of(new Throwable().getStackTrace());
        String fix = Remedy.forPort(now, port);
        String message = api + " listens on " + Endpoint.format(address, port) + " (thread \"" + thread + "\"): port "
                + port + " lies in the ephemeral port range " + now.range() + " (" + Remedy.RANGE_SETTING + ") and is"
                + " not reserved, so any local client may get it as its source port and hold it while this server"
                + " restarts; " + fix;
        AgentLog.tagged(RISK_TAG, message + (settings.stackTraces() ? ApplicationFrames.asLines(frames) : ""));
        publish(new AuditEvent(EventKind.RISK_LISTEN, address, port, null, 0, api, thread, frames, message, fix));
    }

    /** A self-connection the guard has reported: to the sinks, and into the summary. */
    public void selfConnection(InetAddress address, int port, String api, String thread, String[] frames,
                               String message, String fix) {
        findings.add(EventKind.SELF_CONNECTION, address, port, api);
        publish(new AuditEvent(EventKind.SELF_CONNECTION, address, port, address, port, api, thread, frames, message,
                fix));
    }

    private void publish(final AuditEvent event) {
        for (final EventSink sink : sinks()) {
            if (!sink.mayBlock()) {
                publishTo(sink, event);
                continue;
            }
            ReportQueue.submit(new Runnable() {
                @Override
                public void run() {
                    synchronized (Audit.this) {
                        if (!closed) {
                            publishTo(sink, event);
                        }
                    }
                }
            });
        }
    }

    private static void publishTo(EventSink sink, AuditEvent event) {
        try {
            sink.publish(event);
        } catch (Throwable failure) {
            AgentLog.internalFailure("publishing an audit event to " + sink, failure);
        }
    }

    private synchronized List<EventSink> sinks() {
        if (sinks == null) {
            List<EventSink> list = new ArrayList<EventSink>();
            if (settings.auditFile() != null && !closed) {
                list.add(new JsonLinesFile(settings.auditFile(), settings.unusableAuditFile()));
            }
            list.add(new FlightRecorderSink());
            sinks = list;
        }
        return sinks;
    }

    /** Closes the sinks (the audit file): this configuration is replaced, or the agent is off or detached. */
    public synchronized void close() {
        closed = true;
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
        sinks = new ArrayList<EventSink>();
    }

    /** The lines of the summary at exit: the counts, the first endpoints, the fix. */
    public List<String> summary() {
        List<String> lines = new ArrayList<String>();
        lines.add(statistics.selfConnections() + " self-connection(s), " + statistics.risks()
                + " risk finding(s), " + statistics.rejections() + " SelfConnectException(s) thrown, "
                + statistics.checks() + " connect(s) checked"
                + (statistics.internalFailures() == 0 ? "" : ", " + statistics.internalFailures()
                + " internal failure(s)")
                + (statistics.reportsDropped() == 0 ? "" : ", " + statistics.reportsDropped() + " report(s) dropped"));
        List<Integer> atRisk = new ArrayList<Integer>();
        EphemeralPorts now = ports == null ? null : ports.current();
        List<Findings.Entry> entries = findings.all();
        for (int i = 0; i < entries.size(); i++) {
            Findings.Entry entry = entries.get(i);
            if (i < SUMMARY_ENDPOINTS) {
                lines.add("  " + entry.describe());
            }
            if (now != null && now.atRisk(entry.port) && !atRisk.contains(entry.port)) {
                atRisk.add(entry.port);
            }
        }
        long more = entries.size() - Math.min(entries.size(), SUMMARY_ENDPOINTS) + findings.beyondCap();
        if (more > 0) {
            lines.add("  and " + more + " more");
        }
        if (now != null && !atRisk.isEmpty()) {
            lines.add("fix: " + Remedy.forPorts(now, atRisk));
        }
        return lines;
    }

    /** The endpoints found, as the summary lists them. */
    public List<String> endpoints() {
        return findings.describeAll();
    }

    public boolean foundAnything() {
        return !findings.all().isEmpty() || findings.beyondCap() > 0 || statistics.selfConnections() > 0;
    }
}
