package dev.selfconnect.agent;

import java.util.Locale;

/**
 * The request half of the attach protocol ({@link AttachReply} is the answer): the agent arguments that carry a
 * command to the agent in a running JVM, {@code command=NAME,id=REQUEST-ID[,reset=true][,SETTINGS]}. The tool formats
 * it, the agent parses it; the rest are settings, checked as {@code -javaagent} arguments are. The request id is fresh
 * for each load and comes back in the reply, so that the tool tells the answer to this request from a stale one.
 */
public final class AttachRequest {

    /** What the tool asks of the agent. */
    public enum Command {
        ATTACH, STATUS, DETACH;

        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String COMMAND = "command=";
    static final String ID = "id=";
    /** What a tool of an earlier version sent: the file it wanted the reply in. Such a request gets no reply. */
    static final String REPLY_FILE = "reply=";
    /** Before the settings given are applied, the others go back to their defaults instead of keeping their values. */
    static final String RESET = "reset=true";

    final Command command;
    /** The id the reply carries back; null when the request has none (then nobody waits for a reply). */
    final String id;
    final boolean reset;
    /** The settings, as agent arguments; empty for none. */
    final String settings;

    private AttachRequest(Command command, String id, boolean reset, String settings) {
        this.command = command;
        this.id = id;
        this.reset = reset;
        this.settings = settings;
    }

    /**
     * @param id       the request id, letters and digits only
     * @param settings agent arguments; empty for none
     */
    public static String format(Command command, String id, boolean reset, String settings) {
        return COMMAND + command.token() + "," + ID + id + (reset ? "," + RESET : "")
                + (settings.isEmpty() ? "" : "," + settings);
    }

    /**
     * Reads the agent arguments of an attach; without {@code command=} it is an attach with these settings.
     *
     * @throws IllegalArgumentException for an unknown command
     */
    static AttachRequest parse(String arguments) {
        Command command = Command.ATTACH;
        String id = null;
        boolean reset = false;
        StringBuilder settings = new StringBuilder();
        if (arguments != null && !arguments.trim().isEmpty()) {
            for (String piece : arguments.split(",", -1)) {
                String trimmed = piece.trim();
                if (trimmed.startsWith(COMMAND)) {
                    command = command(trimmed.substring(COMMAND.length()));
                } else if (trimmed.startsWith(ID)) {
                    id = trimmed.substring(ID.length());
                } else if (trimmed.startsWith(REPLY_FILE)) {
                    continue; // an earlier tool's reply file: never written to
                } else if (trimmed.equals(RESET)) {
                    reset = true;
                } else {
                    settings.append(settings.length() == 0 ? "" : ",").append(piece);
                }
            }
        }
        return new AttachRequest(command, id, reset, settings.toString());
    }

    private static Command command(String token) {
        for (Command command : Command.values()) {
            if (command.token().equals(token)) {
                return command;
            }
        }
        throw new IllegalArgumentException("unknown agent command '" + token + "': expected attach, status or detach");
    }
}
