package dev.selfconnect.agent;

import java.util.Locale;

/**
 * The agent's answer to the attach tool, left in the system property {@value #PROPERTY}, which the tool reads through
 * the attach API once the load returns (nothing is written to a file): a first line
 * {@code selfconnect-reply REQUEST-ID STATUS} with the id the request carried and a status token from {@link Status},
 * then the text for the user. The tool takes only the answer to its own request id, decides on the token alone and
 * shows the text as untrusted text; it never reads meaning into the sentences.
 */
public final class AttachReply {

    /** The first word of every reply. */
    public static final String MAGIC = "selfconnect-reply";
    /** Where the reply to the last request is left; beside the agent's marker, under its name. */
    public static final String PROPERTY = AgentMarker.PROPERTY + ".reply";

    /** What the agent did with the command. */
    public enum Status {
        /** Installed now: the agent was not active before. */
        INSTALLED(true),
        /** Already active: its settings were changed (or found equal). */
        RECONFIGURED(true),
        /** mode=off: nothing installed, or the instrumentation removed. */
        OFF(true),
        /** detach: removed. */
        DETACHED(true),
        /** detach or status of an agent that is not active. */
        NOT_ACTIVE(true),
        /** status: the report follows. */
        STATUS(true),
        /** Another copy of the agent (another jar, another class loader) is active; this one did nothing. */
        ANOTHER_COPY(false),
        /** A setting was rejected; nothing changed. */
        INVALID_SETTING(false),
        /** The agent failed inside: the text says what; the JVM runs on. */
        FAILED(false);

        private final boolean success;

        Status(boolean success) {
            this.success = success;
        }

        /** Whether the command did what was asked. */
        public boolean success() {
            return success;
        }

        String token() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Status ofToken(String token) {
            for (Status status : values()) {
                if (status.token().equals(token)) {
                    return status;
                }
            }
            return null;
        }
    }

    private final Status status;
    private final String text;

    public AttachReply(Status status, String text) {
        this.status = status;
        this.text = text == null ? "" : text;
    }

    public Status status() {
        return status;
    }

    /** The text for the user, without the status line. */
    public String text() {
        return text;
    }

    /** The reply to the request with this id, as it goes into the property. */
    public String format(String requestId) {
        return MAGIC + " " + requestId + " " + status.token() + "\n" + text;
    }

    /**
     * Reads the property's value as the reply to one request.
     *
     * @return the reply, or null when the value is not a reply of this protocol to this very request (none, another
     *     request's, truncated, another tool's)
     */
    public static AttachReply parse(String content, String requestId) {
        if (content == null || requestId == null || requestId.isEmpty()) {
            return null;
        }
        int newline = content.indexOf('\n');
        String first = newline < 0 ? content : content.substring(0, newline);
        String prefix = MAGIC + " " + requestId + " ";
        if (!first.startsWith(prefix)) {
            return null;
        }
        Status status = Status.ofToken(first.substring(prefix.length()));
        if (status == null) {
            return null;
        }
        return new AttachReply(status, newline < 0 ? "" : content.substring(newline + 1).trim());
    }
}
