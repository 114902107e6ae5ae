package dev.selfconnect.vocabulary;

import java.util.ArrayList;
import java.util.List;

/**
 * The application's frames of a stack, innermost first: the agent's own frames and the JDK's are left out, so that a
 * record shows where the application asked for the connect or the bind.
 */
public final class ApplicationFrames {

    public static final int MAX_FRAMES = 20;
    /** The agent's packages are named one by one: the demo and the tests' scenarios live under dev.selfconnect too. */
    static final String[] AGENT_PREFIXES = {
        "dev.selfconnect.agent.", "dev.selfconnect.audit.", "dev.selfconnect.config.", "dev.selfconnect.detection.",
        "dev.selfconnect.hooks.", "dev.selfconnect.identity.", "dev.selfconnect.instrumentation.",
        "dev.selfconnect.jfr.", "dev.selfconnect.management.", "dev.selfconnect.netty.", "dev.selfconnect.reporting.",
        "dev.selfconnect.shaded.",
        "dev.selfconnect.state.", "dev.selfconnect.vocabulary.",
    };
    private static final String EXCEPTION = "dev.selfconnect.SelfConnectException";
    static final String[] JDK_PREFIXES = {"java.", "javax.", "jdk.", "sun.", "com.sun."};
    public static final String NONE_LINE = "\t(no application frames: the JDK did this on its own thread)";

    private ApplicationFrames() {
    }

    /** The application's frames as text ("com.example.Client.connect(Client.java:42)"), at most {@link #MAX_FRAMES}. */
    public static String[] of(StackTraceElement[] stack) {
        List<String> frames = new ArrayList<String>();
        if (stack != null) {
            for (StackTraceElement frame : stack) {
                if (frames.size() == MAX_FRAMES) {
                    break;
                }
                if (!isAgentOrJdk(frame.getClassName())) {
                    frames.add(frame.toString());
                }
            }
        }
        return frames.toArray(new String[0]);
    }

    public static boolean isAgentOrJdk(String className) {
        if (className.equals(EXCEPTION)) {
            return true;
        }
        for (String prefix : AGENT_PREFIXES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        for (String prefix : JDK_PREFIXES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        // Netty's event loop completes its native connects: its frames (any copy, relocated or not) say nothing.
        return className.startsWith("io.netty.") || className.contains(".io.netty.");
    }

    /** The frames as a record shows them under its first line: one "\tat frame" line each, or why there are none. */
    public static String asLines(String[] frames) {
        StringBuilder lines = new StringBuilder();
        for (String frame : frames) {
            lines.append(System.lineSeparator()).append("\tat ").append(frame);
        }
        if (frames.length == 0) {
            lines.append(System.lineSeparator()).append(NONE_LINE);
        }
        return lines.toString();
    }
}
