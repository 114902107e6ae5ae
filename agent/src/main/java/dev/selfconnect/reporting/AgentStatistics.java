package dev.selfconnect.reporting;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the agent has seen since it was installed. One atomic add per connect, which costs microseconds: LongAdder
 * would spread contention better, but its VarHandle set-up cost 2-3 ms of JVM start on JDK 25.
 */
public final class AgentStatistics {

    private final AtomicLong checks = new AtomicLong();
    private final AtomicLong selfConnections = new AtomicLong();
    private final AtomicLong rejections = new AtomicLong();
    private final AtomicLong risks = new AtomicLong();
    /** Told when something worth showing at once is counted; it must not block. */
    private volatile Runnable onFinding;

    /** From now on, this listener is told when something worth showing at once is counted; it must not block. */
    public void tellFindingsTo(Runnable listener) {
        onFinding = listener;
    }

    private void found() {
        Runnable listener = onFinding;
        if (listener != null) {
            listener.run();
        }
    }

    /** A completed connect the agent looked at. */
    public void countCheck() {
        checks.incrementAndGet();
    }

    public void countSelfConnection() {
        selfConnections.incrementAndGet();
        found();
    }

    /** A SelfConnectException thrown into the application. */
    public void countRejection() {
        rejections.incrementAndGet();
        found();
    }

    /** A risk finding: a connect to, or a listener on, a local port in the ephemeral range that is not reserved. */
    public void countRisk() {
        risks.incrementAndGet();
        found();
    }

    public long risks() {
        return risks.get();
    }

    public long checks() {
        return checks.get();
    }

    public long selfConnections() {
        return selfConnections.get();
    }

    public long rejections() {
        return rejections.get();
    }

    /** Failures inside the agent, caught and counted ({@link AgentLog#internalFailure}). */
    public long internalFailures() {
        return AgentLog.internalFailures();
    }

    /** Reports (log records, audit-file lines) dropped because the agent's output did not keep up. */
    public long reportsDropped() {
        return ReportQueue.dropped();
    }

    public String describe() {
        return "checks=" + checks() + ", self-connections=" + selfConnections() + ", exceptions-thrown=" + rejections()
                + ", risks-found=" + risks() + ", internal-failures=" + internalFailures() + ", reports-dropped="
                + reportsDropped();
    }
}
