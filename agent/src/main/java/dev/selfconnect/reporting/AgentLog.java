package dev.selfconnect.reporting;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's own output: plain lines on the application's standard error, prefixed so they stand out and can be
 * grepped. No logging framework is involved, so none is pulled into the application and no handler can call back.
 */
public final class AgentLog {

    private static final String PREFIX = "[selfconnect] ";
    private static final Set<String> reportedFailures =
            java.util.Collections.newSetFromMap(new ConcurrentHashMap<String, Boolean>());

    private AgentLog() {
    }

    public static void info(String message) {
        System.err.println(PREFIX + "INFO " + message);
    }

    public static void warn(String record) {
        System.err.println(PREFIX + "WARN " + record);
    }

    public static void error(String message) {
        System.err.println(PREFIX + "ERROR " + message);
    }

    /** A failure inside the agent: reported the first time it happens at that place, then never again. */
    public static void internalFailure(String where, Throwable failure) {
        if (!reportedFailures.add(where)) {
            return;
        }
        try {
            error("internal failure " + where + " (reported once; the application goes on): " + failure);
            failure.printStackTrace();
        } catch (Throwable ignored) {
            // Standard error itself failed; there is nowhere left to report to.
        }
    }
}
