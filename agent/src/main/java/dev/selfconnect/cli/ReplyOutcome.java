package dev.selfconnect.cli;

import dev.selfconnect.agent.AttachReply;

/**
 * What the agent's reply means for a command, decided on its status token alone: the text is shown, never read. A
 * command that did what was asked gets the reply back; any other outcome is a {@link CliException} (exit status
 * {@link Main#EXIT_ERROR}) whose message carries the agent's text.
 */
final class ReplyOutcome {

    private ReplyOutcome() {
    }

    /**
     * @param content what the agent wrote to the reply file, empty if nothing
     * @param replyPath where this tool looked for it, for the message when nothing usable came
     * @return the reply, whose status is a success
     */
    static AttachReply accept(String pid, String content, String replyPath) throws CliException {
        AttachReply reply = AttachReply.parse(content);
        if (reply == null) {
            throw new CliException("JVM " + pid + " loaded the agent but its answer did not arrive in " + replyPath
                    + (content.isEmpty() ? "" : " (it held no reply: '" + content + "')")
                    + "; see the JVM's standard error for lines starting with [selfconnect]");
        }
        if (reply.status().success()) {
            return reply;
        }
        if (reply.status() == AttachReply.Status.INVALID_SETTING) {
            throw new CliException("JVM " + pid + " rejected the settings: "
                    + reply.text().replace("agent argument", "argument"));
        }
        throw new CliException("JVM " + pid + ": " + reply.text());
    }

    /** Whether an attach found the agent active and changed its settings, rather than installing it. */
    static boolean reconfigured(AttachReply reply) {
        return reply.status() == AttachReply.Status.RECONFIGURED;
    }
}
