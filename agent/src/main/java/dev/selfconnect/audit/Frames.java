package dev.selfconnect.audit;

import java.util.ArrayList;
import java.util.List;

/** The application's frames of a stack: the agent's and the JDK's are left out. */
final class Frames {

    static final int MAX_FRAMES = 20;
    private static final String[] SKIPPED = {
        "dev.selfconnect.agent.", "dev.selfconnect.config.", "dev.selfconnect.detection.",
        "dev.selfconnect.instrumentation.", "dev.selfconnect.reporting.", "dev.selfconnect.audit.",
        "dev.selfconnect.management.", "dev.selfconnect.jfr.", "dev.selfconnect.shaded.",
        "dev.selfconnect.netty.", "dev.selfconnect.SelfConnectException", "java.", "javax.", "jdk.", "sun.", "com.sun.",
    };

    private Frames() {
    }

    static String[] application(StackTraceElement[] stack) {
        List<String> frames = new ArrayList<String>();
        if (stack != null) {
            for (StackTraceElement frame : stack) {
                if (!skipped(frame.getClassName()) && frames.size() < MAX_FRAMES) {
                    frames.add(frame.toString());
                }
            }
        }
        return frames.toArray(new String[0]);
    }

    private static boolean skipped(String className) {
        if (className.startsWith("io.netty.") || className.contains(".io.netty.")) {
            return true; // Netty's event loop, which completes its native connects
        }
        for (String prefix : SKIPPED) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The frames as the log shows them under a record: one "\tat frame" line each. */
    static String asLines(String[] frames) {
        StringBuilder sb = new StringBuilder();
        for (String frame : frames) {
            sb.append(System.lineSeparator()).append("\tat ").append(frame);
        }
        if (frames.length == 0) {
            sb.append(System.lineSeparator())
                    .append("\t(no application frames: the JDK did this on its own thread)");
        }
        return sb.toString();
    }
}
