package dev.selfconnect.reporting;

import java.util.concurrent.atomic.LongAdder;

/** What the agent has seen since it was installed; cheap to count from many threads at once. */
public final class AgentStatistics {

    private final LongAdder checks = new LongAdder();
    private final LongAdder selfConnections = new LongAdder();
    private final LongAdder rejections = new LongAdder();
    private final LongAdder risks = new LongAdder();

    /** A completed connect the agent looked at. */
    public void countCheck() {
        checks.increment();
    }

    public void countSelfConnection() {
        selfConnections.increment();
    }

    /** A SelfConnectException thrown into the application. */
    public void countRejection() {
        rejections.increment();
    }

    /** A risk finding: a connect to, or a listener on, a local port in the ephemeral range that is not reserved. */
    public void countRisk() {
        risks.increment();
    }

    public long risks() {
        return risks.sum();
    }

    public long checks() {
        return checks.sum();
    }

    public long selfConnections() {
        return selfConnections.sum();
    }

    public long rejections() {
        return rejections.sum();
    }

    public String describe() {
        return "checks=" + checks() + ", self-connections=" + selfConnections() + ", exceptions-thrown=" + rejections()
                + ", risks-found=" + risks();
    }
}
