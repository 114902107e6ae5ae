package dev.selfconnect.reporting;

import dev.selfconnect.vocabulary.ApplicationFrames;
import dev.selfconnect.vocabulary.Endpoint;
import dev.selfconnect.vocabulary.EphemeralPorts;
import dev.selfconnect.vocabulary.PlainText;
import dev.selfconnect.vocabulary.Remedy;

import java.net.InetAddress;

/** The words of a self-connection: the WARN record, the exception's message and the audit event's message. */
public final class SelfConnectionRecord {

    private final String endpoints;
    private final String api;
    private final String thread;
    private final String explanation;

    /**
     * @param ports the kernel's ephemeral range and reserved ports, or null where they cannot be read
     */
    public SelfConnectionRecord(InetAddress address, int port, String api, String thread, EphemeralPorts ports) {
        String endpoint = Endpoint.format(address, port);
        this.endpoints = endpoint + " -> " + endpoint;
        this.api = api;
        this.thread = thread;
        this.explanation = ports == null
                ? "nothing listens on " + port + ", and the kernel handed that same port to this client as its source"
                + " port; " + Remedy.withoutKernelFiles(port)
                : "nothing listens on " + port + ", which lies in the ephemeral port range " + ports.range() + "; "
                + Remedy.forPort(ports, port);
    }

    /** "127.0.0.1:40000 -> 127.0.0.1:40000": local, then remote endpoint. */
    public String endpoints() {
        return endpoints;
    }

    /** Why this happened and how to prevent it. */
    public String explanation() {
        return explanation;
    }

    /** The record's first line, without the tag. */
    public String line(String outcome) {
        return "self-connection " + endpoints + " via " + api + " on thread \"" + PlainText.value(thread) + "\": "
                + explanation + "; " + outcome;
    }

    /** The message of the SelfConnectException thrown into the application. */
    public String exceptionMessage() {
        return "Connection refused: self-connection " + endpoints + "; " + explanation;
    }

    /** Writes the WARN record: its line, then the application frames when asked for. */
    public void write(String outcome, String[] frames, boolean withFrames) {
        AgentLog.warn(line(outcome) + (withFrames ? ApplicationFrames.asLines(frames) : ""));
    }
}
