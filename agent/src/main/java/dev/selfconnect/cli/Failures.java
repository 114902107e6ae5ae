package dev.selfconnect.cli;

import java.nio.file.Path;
import java.util.Locale;

/**
 * What went wrong when attaching to a JVM or loading the agent into it, told from what the attach API threw. The JDK
 * gives most causes only as the text of an exception of a general type, so the text is read here, and only here;
 * each cause names the texts it recognises.
 */
final class Failures {

    private Failures() {
    }

    /** Why {@code VirtualMachine.attach} failed. */
    enum AttachCause {
        /**
         * The process is gone or never was: "No such process" (the signal's errno), HotSpot's "non existent JVM pid";
         * where there is no /proc to have checked the pid first, "not found" as well.
         */
        NO_SUCH_PROCESS,
        /**
         * This user may not attach: "Permission denied" or "Operation not permitted" (the signal or the socket),
         * "owned by" or "not secure" (the checks of the attach socket's owner and mode).
         */
        NOT_PERMITTED,
        /**
         * Any other {@code AttachNotSupportedException}: -XX:+DisableAttachMechanism, a JVM starting up or ending,
         * not a HotSpot or OpenJ9 JVM.
         */
        NOT_SUPPORTED,
        /** None of these: the exception speaks for itself. */
        OTHER;

        static AttachCause of(Throwable e, boolean procAvailable) {
            String reason = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (reason.contains("no such process") || reason.contains("non existent")
                    || !procAvailable && reason.contains("not found")) {
                return NO_SUCH_PROCESS;
            }
            if (reason.contains("permission denied") || reason.contains("operation not permitted")
                    || reason.contains("owned by") || reason.contains("not secure")) {
                return NOT_PERMITTED;
            }
            // By name: the class is in jdk.attach, which this tool's runtime may lack.
            if (e.getClass().getSimpleName().equals("AttachNotSupportedException")) {
                return NOT_SUPPORTED;
            }
            return OTHER;
        }
    }

    /** Why {@code VirtualMachine.loadAgent} failed. */
    enum LoadCause {
        /**
         * The JVM refuses agents while it runs (-XX:-EnableDynamicAgentLoading): its message names the flag or
         * says "Dynamic agent loading".
         */
        DYNAMIC_LOADING_DISABLED,
        /**
         * The JVM could not open the jar or find its agent class: "Agent JAR not found or no Agent-Class
         * attribute".
         */
        JAR_UNREADABLE,
        /** None of these; the agent's own answer, if any, says more. */
        OTHER;

        static LoadCause of(Throwable e) {
            String reason = String.valueOf(e.getMessage());
            if (reason.contains("EnableDynamicAgentLoading") || reason.contains("ynamic agent loading")) {
                return DYNAMIC_LOADING_DISABLED;
            }
            if (reason.contains("not found") || reason.contains("Agent-Class")) {
                return JAR_UNREADABLE;
            }
            return OTHER;
        }
    }

    /** The failure of an attach to JVM {@code pid}, as the user reads it. */
    static CliException attach(String pid, Throwable e, boolean procAvailable) {
        String reason = Untrusted.line(String.valueOf(e.getMessage()), Untrusted.LINE);
        switch (AttachCause.of(e, procAvailable)) {
            case NO_SUCH_PROCESS:
                return new CliException("there is no JVM with pid " + pid + " (" + reason + ")", e);
            case NOT_PERMITTED:
                return new CliException("JVM " + pid + " refused the attach: it belongs to another user, or this "
                        + "user may not signal it (" + reason + "); run this tool as the JVM's user", e);
            case NOT_SUPPORTED:
                return new CliException("JVM " + pid + " does not accept attach requests (" + reason + "): it may "
                        + "have been started with -XX:+DisableAttachMechanism, be starting up or ending, or not be a "
                        + "HotSpot or OpenJ9 JVM", e);
            default:
                return new CliException("cannot attach to JVM " + pid + ": " + shortReason(e), e);
        }
    }

    /**
     * The failure of loading the agent into JVM {@code pid}.
     *
     * @param answer what the JVM left in the reply property, escaped; empty if nothing
     * @param targetUid the JVM's user, who must be able to read the jar
     */
    static CliException load(String pid, Throwable e, String answer, Path agentJar, int targetUid) {
        String reason = Untrusted.line(String.valueOf(e.getMessage()), Untrusted.LINE);
        switch (LoadCause.of(e)) {
            case DYNAMIC_LOADING_DISABLED:
                return new CliException("JVM " + pid + " does not allow agents to be loaded while it runs (" + reason
                        + "); start it with -javaagent:" + agentJar + " instead", e);
            case JAR_UNREADABLE:
                return new CliException("JVM " + pid + " could not open the agent jar " + agentJar + " (" + reason
                        + "): the JVM's user (uid " + targetUid + ") must be able to read it", e);
            default:
                return new CliException("loading the agent into JVM " + pid + " failed: " + shortReason(e)
                        + (answer.isEmpty() ? "" : " (the JVM's reply property, which is not the agent's answer to "
                        + "this request: '" + answer + "')") + "; see the JVM's standard error", e);
        }
    }

    /**
     * {@code IOException: Connection refused}: the type without its package, and the message, escaped: the attach API
     * passes on text the target JVM sent.
     */
    static String shortReason(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + Untrusted.line(message, Untrusted.LINE));
    }
}
