package dev.selfconnect.audit;

/** Where audit events go besides the log: the JSON Lines file, JFR. Never throws into the application. */
public interface EventSink {

    void publish(AuditEvent event);

    /**
     * Whether publishing may block (a file): then it happens on the agent's reporting thread, never on the thread
     * that connected. JFR's commit only fills a thread-local buffer, and on the connecting thread it records that
     * thread's stack.
     */
    default boolean mayBlock() {
        return true;
    }

    /** Flushes and releases what the sink holds; called when the agent is reconfigured. */
    void close();
}
