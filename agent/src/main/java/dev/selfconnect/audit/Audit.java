package dev.selfconnect.audit;

import dev.selfconnect.config.Mode;
import dev.selfconnect.config.Settings;
import dev.selfconnect.reporting.AgentLog;
import dev.selfconnect.reporting.AgentStatistics;
import dev.selfconnect.reporting.ReportQueue;
import dev.selfconnect.reporting.SelfConnectionRecord;
import dev.selfconnect.vocabulary.ApplicationFrames;
import dev.selfconnect.vocabulary.Endpoint;
import dev.selfconnect.vocabulary.EphemeralPorts;
import dev.selfconnect.vocabulary.EventKind;
import dev.selfconnect.vocabulary.KernelPortFiles;
import dev.selfconnect.vocabulary.Remedy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

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
    /**
     * The API named by the findings about sockets the process held before the agent looked at them: opened before
     * an attach, or inherited from the parent process.
     */
    public static final String EXISTING_API = "existing";
    static final String EXISTING_NOTE = "open before the agent looked: no thread or stack is known";
    private static final String EXISTING_LEFT_OPEN = "the connection was left open (mode=log)";
    private static final String EXISTING_LEFT_OPEN_THROW = "the connection was left open: the application has held"
            + " it since before the agent looked, and mode=throw resets only the connects the agent sees complete";
    private static final String[] NO_FRAMES = new String[0];
    /** The summary lists at most this many endpoints, then "and N more". */
    public static final int SUMMARY_ENDPOINTS = 20;

    private final Settings settings;
    private final AgentStatistics statistics;
    private final Findings findings;
    /** Null when risk findings are off. */
    private final KernelPortFiles ports;
    /** Where the summary's fix reads the range when risk findings are off (a self-connection needs it too). */
    private final Supplier<KernelPortFiles> kernelFiles;
    /** Made at the first connect to a port at risk. */
    private volatile LocalAddresses local;
    /** Made at the first event. */
    private List<EventSink> sinks;
    private boolean closed;

    /**
     * @param ports the kernel files, or null when risk findings are off
     */
    public Audit(Settings settings, AgentStatistics statistics, Findings findings, KernelPortFiles ports) {
        this(settings, statistics, findings, ports, null);
    }

    /**
     * @param ports the kernel files, or null when risk findings are off
     * @param kernelFiles the kernel files for the summary's fix whether risk findings are on or off (read only at
     *                    the summary, so that a JVM without risk findings reads nothing at its start), or null
     */
    public Audit(Settings settings, AgentStatistics statistics, Findings findings, KernelPortFiles ports,
                 Supplier<KernelPortFiles> kernelFiles) {
        this.settings = settings;
        this.statistics = statistics;
        this.findings = findings;
        this.ports = settings.risks() ? ports : null;
        this.kernelFiles = kernelFiles;
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
                thread, frames, message, fix, settings.service()));
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
        listening(address, port, api, false);
    }

    /**
     * A socket the process was listening on before the agent looked ({@link #EXISTING_API}): a risk finding like a
     * bind's, unless that listener is known already (a wildcard counts as known in either of its forms, 0.0.0.0 and
     * ::, since a bind reports the one Java shows and the kernel the other).
     */
    public void existingListener(InetAddress address, int port) {
        if (ports == null || address == null || port <= 0 || knownListener(address, port)) {
            return;
        }
        listening(address, port, EXISTING_API, true);
    }

    private boolean knownListener(InetAddress address, int port) {
        if (findings.contains(EventKind.RISK_LISTEN, address, port)) {
            return true;
        }
        if (!address.isAnyLocalAddress()) {
            return false;
        }
        for (Findings.Entry entry : findings.all()) {
            if (entry.kind == EventKind.RISK_LISTEN && entry.port == port && entry.address.isAnyLocalAddress()) {
                return true;
            }
        }
        return false;
    }

    private void listening(InetAddress address, int port, String api, boolean existing) {
        if (ports == null || address == null || port <= 0) {
            return;
        }
        EphemeralPorts now = ports.current();
        if (now == null || !now.atRisk(port) || settings.ignore().matches(address, port)
                || !findings.add(EventKind.RISK_LISTEN, address, port, api)) {
            return;
        }
        statistics.countRisk();
        String thread = existing ? null : Thread.currentThread().getName();
        String[] frames = existing ? NO_FRAMES : ApplicationFrames.of(new Throwable().getStackTrace());
        String fix = Remedy.forPort(now, port);
        String message = (existing ? api + " socket listens on " + Endpoint.format(address, port) + " (" + EXISTING_NOTE
                + ")" : api + " listens on " + Endpoint.format(address, port) + " (thread \"" + thread + "\")")
                + ": port " + port + " lies in the ephemeral port range " + now.range() + " (" + Remedy.RANGE_SETTING
                + ") and is not reserved, so any local client may get it as its source port and hold it while this"
                + " server restarts; " + fix;
        AgentLog.tagged(RISK_TAG, message + (settings.stackTraces() && !existing ? ApplicationFrames.asLines(frames)
                : ""));
        publish(new AuditEvent(EventKind.RISK_LISTEN, address, port, null, 0, api, thread, frames, message, fix,
                settings.service()));
    }

    /**
     * A self-connected socket the process held before the agent looked ({@link #EXISTING_API}), unless ignored or
     * known already: counted and reported as a self-connection, and left open whatever the mode (the application has
     * been using it; the agent resets only the connects it sees complete).
     *
     * @param now the kernel's range and reserved ports, for the record's wording; null where they cannot be read
     */
    public void existingSelfConnection(InetAddress address, int port, EphemeralPorts now) {
        if (address == null || settings.ignore().matches(address, port)
                || !findings.add(EventKind.SELF_CONNECTION, address, port, EXISTING_API)) {
            return;
        }
        statistics.countSelfConnection();
        SelfConnectionRecord record = new SelfConnectionRecord(address, port, EXISTING_API, null, now);
        String message = "self-connection " + record.endpoints() + " via " + EXISTING_API + " socket ("
                + EXISTING_NOTE + "): " + record.explanation() + "; " + (settings.mode() == Mode.THROW
                ? EXISTING_LEFT_OPEN_THROW : EXISTING_LEFT_OPEN);
        AgentLog.warn(message);
        publish(new AuditEvent(EventKind.SELF_CONNECTION, address, port, address, port, EXISTING_API, null, NO_FRAMES,
                message, now == null ? Remedy.withoutKernelFiles(port) : Remedy.forPort(now, port),
                settings.service()));
    }

    /** A self-connection the guard has reported: to the sinks, and into the summary. */
    public void selfConnection(InetAddress address, int port, String api, String thread, String[] frames,
                               String message, String fix) {
        findings.add(EventKind.SELF_CONNECTION, address, port, api);
        publish(new AuditEvent(EventKind.SELF_CONNECTION, address, port, address, port, api, thread, frames, message,
                fix, settings.service()));
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
        KernelPortFiles files = ports != null ? ports : kernelFiles == null ? null : kernelFiles.get();
        EphemeralPorts now = files == null ? null : files.current();
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
