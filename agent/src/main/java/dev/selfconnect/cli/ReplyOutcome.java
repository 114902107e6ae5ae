package dev.selfconnect.cli;

import dev.selfconnect.agent.AttachReply;

/**
 * What the agent's reply means for a command, decided on its status token alone: the text is shown (escaped, as all
 * that comes from a target), never read. A command that did what was asked gets the reply back; any other outcome is
 * a {@link CliException} (exit status {@link Main#EXIT_ERROR}) whose message carries the agent's text. A value that is
 * not the agent's answer to this very request is said to be so, and never shown as a reply.
 */
final class ReplyOutcome {

    private ReplyOutcome() {
    }

    /**
     * @param content the reply property's value after the load, null if none
     * @param requestId the id this load's request carried
     * @return the reply, whose status is a success and whose text is safe to print
     */
    static AttachReply accept(String pid, String content, String requestId) throws CliException {
        if (content == null) {
            throw new CliException("JVM " + pid + " loaded the agent but no answer came back; see the JVM's standard "
                    + "error for lines starting with [selfconnect]");
        }
        AttachReply parsed = AttachReply.parse(content, requestId);
        if (parsed == null) {
            throw unauthenticated(pid, content, "it is not the agent's answer to this request (it lacks this "
                    + "request's id: an earlier request's answer, or written by something else)");
        }
        AttachReply reply = new AttachReply(parsed.status(), Untrusted.lines(parsed.text(), Untrusted.LINE));
        if (reply.status().success()) {
            return reply;
        }
        if (reply.status() == AttachReply.Status.INVALID_SETTING) {
            throw new CliException("JVM " + pid + " rejected the settings: "
                    + reply.text().replace("agent argument", "argument"));
        }
        throw new CliException("JVM " + pid + ": " + reply.text());
    }

    /** An answer that cannot be taken as the agent's: said so, with what it held, escaped and cut short. */
    static CliException unauthenticated(String pid, String content, String why) {
        return new CliException("JVM " + pid + " answered, but not as selfconnect's agent can be recognised: " + why
                + "; it is not taken as the agent's reply (the JVM's answer, escaped: '" + excerpt(content) + "')");
    }

    /** What a target left, escaped and cut short, to show beside a message of this tool's. */
    static String excerpt(String content) {
        return Untrusted.line(content, Untrusted.CELL);
    }

    /** Whether an attach found the agent active and changed its settings, rather than installing it. */
    static boolean reconfigured(AttachReply reply) {
        return reply.status() == AttachReply.Status.RECONFIGURED;
    }
}
