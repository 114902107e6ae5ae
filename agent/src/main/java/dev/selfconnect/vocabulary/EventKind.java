package dev.selfconnect.vocabulary;

/** What the agent (or the scan) found. */
public enum EventKind {
    /** A connection whose local and remote endpoints are equal. */
    SELF_CONNECTION("self-connection", "self-connection"),
    /** A connect to a local port inside the ephemeral range that is not reserved. */
    RISK_CONNECT("risk-connect", "connect"),
    /** A server bound to a local port inside the ephemeral range that is not reserved. */
    RISK_LISTEN("risk-listen", "listen");

    private final String label;
    private final String shortLabel;

    EventKind(String label, String shortLabel) {
        this.label = label;
        this.shortLabel = shortLabel;
    }

    /** As the JSON {@code kind} field and the JFR event spell it: "risk-listen". */
    public String label() {
        return label;
    }

    /** As the summary and the MBean list an endpoint: "listen 127.0.0.1:40005 (ServerSocket)". */
    public String shortLabel() {
        return shortLabel;
    }

    @Override
    public String toString() {
        return label;
    }
}
