package dev.selfconnect.reporting;

import dev.selfconnect.detection.SelfConnection;

/** Writes the WARN record for a self-connection: one line, then the application frames that asked for it. */
public final class SelfConnectionReport {

    private static final int MAX_FRAMES = 20;
    private static final String[] AGENT_PACKAGES = {
        "dev.selfconnect.agent.", "dev.selfconnect.config.",
        "dev.selfconnect.detection.", "dev.selfconnect.instrumentation.", "dev.selfconnect.reporting.",
        "dev.selfconnect.shaded.", "dev.selfconnect.netty.",
    };
    private static final String[] JDK_PACKAGES = {"java.", "javax.", "jdk.", "sun.", "com.sun."};

    private SelfConnectionReport() {
    }

    public static void write(SelfConnection connection, String outcome, boolean withFrames) {
        StringBuilder record = new StringBuilder(256);
        record.append("self-connection ").append(connection.describe())
                .append(" via ").append(connection.api())
                .append(" on thread \"").append(connection.thread()).append("\": ")
                .append(connection.explanation())
                .append("; ").append(outcome);
        if (withFrames) {
            appendApplicationFrames(record, connection.stack());
        }
        AgentLog.warn(record.toString());
    }

    static void appendApplicationFrames(StringBuilder record, StackTraceElement[] stack) {
        int written = 0;
        for (StackTraceElement frame : stack) {
            if (isAgentOrJdk(frame.getClassName())) {
                continue;
            }
            if (written == MAX_FRAMES) {
                record.append(System.lineSeparator()).append("\t...");
                break;
            }
            record.append(System.lineSeparator()).append("\tat ").append(frame);
            written++;
        }
        if (written == 0) {
            record.append(System.lineSeparator()).append("\t(no application frames: the JDK completed this connect on its own thread)");
        }
    }

    static boolean isAgentOrJdk(String className) {
        if (className.equals("dev.selfconnect.SelfConnectException")) {
            return true;
        }
        for (String prefix : AGENT_PACKAGES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        for (String prefix : JDK_PACKAGES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        // Netty's event loop completes its native connects: its frames (any copy, relocated or not) say nothing.
        return className.startsWith("io.netty.") || className.contains(".io.netty.");
    }
}
