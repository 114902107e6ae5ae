package dev.selfconnect.cli;

/**
 * The agent arguments that carry a command to the agent in a running JVM, the request half of the attach protocol
 * (the agent's {@code AgentCommand} reads it; {@link dev.selfconnect.agent.AttachReply} is the answer):
 * {@code command=NAME,reply=FILE[,reset=true][,SETTINGS]}.
 */
final class AttachRequest {

    static final String COMMAND = "command=";
    static final String REPLY = "reply=";
    /** Before the settings given are applied, the others go back to their defaults instead of keeping their values. */
    static final String RESET = "reset=true";

    private AttachRequest() {
    }

    /**
     * @param replyPath the reply file as the target sees it; it has no comma
     * @param settings agent arguments, as {@link Arguments#settings} gives them; empty for none
     */
    static String format(String command, String replyPath, boolean reset, String settings) {
        return COMMAND + command + "," + REPLY + replyPath + (reset ? "," + RESET : "")
                + (settings.isEmpty() ? "" : "," + settings);
    }
}
