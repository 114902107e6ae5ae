package dev.selfconnect.agent;

import java.util.Locale;

/**
 * The agent's answer to the attach tool, written to the reply file: a first line {@code selfconnect-reply STATUS}
 * with a status token from {@link Status}, then the text for the user. The tool decides on the token alone and
 * shows the text; it never reads meaning into the sentences.
 */
public final class AttachReply {

    /** The first word of every reply file. */
    public static final String MAGIC = "selfconnect-reply";

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

    /** The reply as it goes into the file. */
    public String format() {
        return MAGIC + " " + status.token() + "\n" + text;
    }

    /**
     * Reads a reply file's content.
     *
     * @return the reply, or null when the content is not a reply of this protocol (empty, truncated, another tool)
     */
    public static AttachReply parse(String content) {
        if (content == null) {
            return null;
        }
        int newline = content.indexOf('\n');
        String first = (newline < 0 ? content : content.substring(0, newline)).trim();
        if (!first.startsWith(MAGIC + " ")) {
            return null;
        }
        Status status = Status.ofToken(first.substring(MAGIC.length() + 1).trim());
        if (status == null) {
            return null;
        }
        return new AttachReply(status, newline < 0 ? "" : content.substring(newline + 1).trim());
    }
}
