package dev.selfconnect.audit;

/** Where audit events go besides the log: the JSON Lines file, JFR. Never throws into the application. */
public interface EventSink {

    void publish(AuditEvent event);

    /** Flushes and releases what the sink holds; called when the agent is reconfigured. */
    void close();
}
