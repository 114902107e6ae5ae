package dev.selfconnect.reporting;

import dev.selfconnect.vocabulary.Notices;
import dev.selfconnect.vocabulary.PlainText;

import java.io.PrintStream;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's own output: plain lines on the application's standard error, prefixed so they stand out and can be
 * grepped. No logging framework is involved, so none is pulled into the application and no handler can call back.
 * Every line passes {@link PlainText#line}: whatever text reached it, it writes no terminal control and starts no line
 * of its own (values from settings and the environment are escaped where they are put into the text, with
 * {@link PlainText#value}).
 * Tests capture the lines with {@link #captureTo}, without replacing {@code System.err}.
 */
public final class AgentLog implements Runnable {

    public static final String PREFIX = "[selfconnect] ";

    /** Where the lines go. */
    public interface Sink {
        void line(String line);
    }

    /** The remarks of the agent's parts that do not know this log, as INFO and WARN lines. */
    public static final Notices NOTICES = new Notices() {
        @Override
        public void info(String message) {
            AgentLog.info(message);
        }

        @Override
        public void warn(String message) {
            AgentLog.warn(message);
        }
    };
    /**
     * The agent's output in this JVM, made with its first line: static because every part of the agent writes lines,
     * on any thread, and none of them holds the installation.
     */
    private static volatile ReportQueue output;
    private static final Set<String> reportedFailures =
            Collections.newSetFromMap(new ConcurrentHashMap<String, Boolean>());
    private static final AtomicLong failures = new AtomicLong();

    /**
     * Runs {@code check} on the failing thread whenever an internal failure is a LinkageError (a class of the agent
     * that could not be loaded): the agent then finds out at once whether its jar was changed under it. The check
     * must be an instance of a class loaded already, and cheap.
     */
    public static void whenClassesUnreadable(Runnable check) {
        output().classesUnreadable = check;
    }

    /** Sends the lines to this sink instead of standard error; null restores standard error. */
    public static void captureTo(Sink capture) {
        output().sink = capture;
    }

    /** The agent's output: its queue, and where its lines go. */
    static ReportQueue output() {
        ReportQueue made = output;
        if (made != null) {
            return made;
        }
        synchronized (AgentLog.class) {
            if (output == null) {
                output = new ReportQueue();
            }
            return output;
        }
    }

    public static void info(String message) {
        write("INFO ", message);
    }

    public static void warn(String record) {
        write("WARN ", record);
    }

    public static void error(String message) {
        write("ERROR ", message);
    }

    /** A record under its own tag ("RISK", "SUMMARY"). */
    public static void tagged(String tag, String record) {
        write(tag + " ", record);
    }

    /** Queues the line (see {@link ReportQueue}); it is written on the agent's own thread. */
    private static void write(String tag, String text) {
        ReportQueue queue = output();
        if (!queue.queueing()) {
            writeNow(tag, text);
            return;
        }
        queue.submitReport(new AgentLog(tag, text));
    }

    /**
     * A queued line is an instance of this class, loaded in premain, rather than of a class of its own: the line that
     * says the agent jar was overwritten must be written when no class can be read from the jar any more.
     */
    private final String queuedTag;
    private final String queuedText;

    private AgentLog(String tag, String text) {
        this.queuedTag = tag;
        this.queuedText = text;
    }

    @Override
    public void run() {
        writeNow(queuedTag, queuedText);
    }

    /** Writes the line on this thread. */
    static void writeNow(String tag, String text) {
        try {
            Sink capture = output().sink;
            String line = PlainText.line(PREFIX + tag + text);
            if (capture == null) {
                PrintStream err = System.err;
                err.println(line);
            } else {
                capture.line(line);
            }
        } catch (Throwable outputFailed) {
            failures.incrementAndGet();
        }
    }

    static void countFailure() {
        failures.incrementAndGet();
    }

    /**
     * A failure inside the agent: always counted; reported, with its stack trace, the first time it happens at that
     * place.
     */
    public static void internalFailure(String where, Throwable failure) {
        failures.incrementAndGet();
        Runnable check = output().classesUnreadable;
        if (check != null && failure instanceof LinkageError) {
            try {
                check.run();
            } catch (Throwable ignored) {
                // the failure itself is still reported below
            }
        }
        if (!reportedFailures.add(where)) {
            return;
        }
        try {
            StringBuilder record = new StringBuilder("internal failure ").append(where)
                    .append(" (reported once, counted always; the application goes on): ").append(failure);
            for (StackTraceElement frame : failure.getStackTrace()) {
                record.append(System.lineSeparator()).append("\tat ").append(frame);
            }
            error(record.toString());
        } catch (Throwable ignored) {
            // nowhere left to report to; the failure is counted
        }
    }

    /** Failures inside the agent since the JVM started. */
    public static long internalFailures() {
        return failures.get();
    }
}
