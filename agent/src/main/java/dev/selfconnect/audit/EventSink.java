package dev.selfconnect.audit;

/** Where audit events go besides the log: the JSON Lines file, JFR. Never throws into the application. */
public interface EventSink {

    void publish(AuditEvent event);

    /**
     * Whether publishing may block, or needs what only an agent thread may do: then it happens on the agent's
     * reporting thread, never on the thread that connected. Both sinks are such: a file may block, and a JFR event
     * names the process's identity, which a connecting thread never resolves (the event's {@code threadName} names
     * the connecting thread; its stack is in {@code applicationFrames}).
     */
    default boolean mayBlock() {
        return true;
    }

    /** Flushes and releases what the sink holds; called when the agent is reconfigured. */
    void close();
}
