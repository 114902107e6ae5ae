package dev.selfconnect.audit;

/**
 * The audit's records on standard error, beside the agent's INFO, WARN and ERROR lines: {@code [selfconnect] RISK}
 * for a risk finding and {@code [selfconnect] SUMMARY} for the summary at exit, each greppable on its own.
 */
final class AuditLog {

    static final String RISK = "[selfconnect] RISK ";
    static final String SUMMARY = "[selfconnect] SUMMARY ";

    private AuditLog() {
    }

    static void risk(String record) {
        System.err.println(RISK + record);
    }

    static void summary(String line) {
        System.err.println(SUMMARY + line);
    }
}
