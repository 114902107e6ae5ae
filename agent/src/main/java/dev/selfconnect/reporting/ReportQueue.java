package dev.selfconnect.reporting;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hand-off between the application's threads and the agent's output: a report (a log record, an audit-file line)
 * is queued, never written, on the thread that connected, and a daemon thread writes it. A standard error nobody
 * reads or an audit file that blocks then stops only that thread; when the queue is full, reports are dropped and
 * counted, and the count is reported once output moves again. Before {@link #start()} (premain, the tests of plain
 * classes) reports are written at once.
 * <p>
 * The writer thread, the exit hook and the drain marker are instances of this class, loaded in premain, rather than
 * classes of their own: they must work when the agent jar was overwritten before the first report, which is when
 * a class not loaded yet can no longer be read from it.
 */
public final class ReportQueue implements Runnable {

    private static final int WRITER = 0;
    private static final int EXIT_HOOK = 1;
    private static final int DRAINED = 2;

    public static final int CAPACITY = 4096;
    /** How long the JVM's exit waits for the queue to drain before it goes on without the rest. */
    public static final long EXIT_DRAIN_MILLIS = 2000;

    /** Made with the writer thread, before it is published: until then nothing is queued. */
    private static BlockingQueue<Runnable> queue;
    private static final AtomicLong dropped = new AtomicLong();
    private static final AtomicLong droppedReported = new AtomicLong();
    private static volatile Thread writer;
    private static volatile boolean enabled;
    /** Written last at the JVM's exit (the agent's summary); null for nothing. */
    private static volatile Runnable lastAtExit;

    /** What this instance does when run: {@link #WRITER}, {@link #EXIT_HOOK} or {@link #DRAINED}. */
    private final int role;
    /** For {@link #DRAINED}: set once everything queued before it was written. */
    private boolean written;

    private ReportQueue(int role) {
        this.role = role;
    }

    @Override
    public void run() {
        switch (role) {
            case WRITER:
                write();
                break;
            case EXIT_HOOK:
                drainAtExit(lastAtExit);
                break;
            default:
                synchronized (this) {
                    written = true;
                    notifyAll();
                }
        }
    }

    /**
     * From now on reports are queued; the writer thread starts with the first report (an application that never has
     * one never has the thread). With that first report the JVM's exit gets a hook that drains the queue and writes
     * {@code atExit} last ({@link #drainAtExit}): a JVM that reported nothing exits without one.
     */
    public static void enable(Runnable atExit) {
        lastAtExit = atExit;
        enabled = true;
    }

    /** Whether {@link #submit} queues reports from now on, rather than running them on the caller's thread. */
    static boolean queueing() {
        return enabled || writer != null;
    }

    private static synchronized void start() {
        if (writer != null) {
            return;
        }
        queue = new ArrayBlockingQueue<Runnable>(CAPACITY);
        Thread thread = new Thread(new ReportQueue(WRITER), "selfconnect-reporter");
        thread.setDaemon(true);
        thread.start();
        writer = thread;
        registerExitHook();
    }

    private static void registerExitHook() {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(new ReportQueue(EXIT_HOOK), "selfconnect-summary"));
        } catch (RuntimeException shuttingDownOrDenied) {
            // the JVM is already exiting, or a security manager forbids it: the queue is not waited for at exit
        }
    }

    /**
     * Queues the report, or writes it now before the writer thread runs (and on the writer thread itself). Never
     * blocks once it runs.
     */
    public static void submit(Runnable report) {
        Thread thread = writer;
        if (thread == null && enabled) {
            start();
            thread = writer;
        }
        if (thread == null || thread == Thread.currentThread()) {
            runQuietly(report);
        } else if (!queue.offer(report)) {
            dropped.incrementAndGet();
        }
    }

    /** Whether this is the agent's reporting thread. */
    public static boolean onWriterThread() {
        return writer == Thread.currentThread();
    }

    /** Reports dropped because the queue was full, since the JVM started. */
    public static long dropped() {
        return dropped.get();
    }

    /**
     * At the JVM's exit: queues the last report, if any, and waits, at most {@link #EXIT_DRAIN_MILLIS}, for everything
     * queued to be written.
     */
    private static void drainAtExit(Runnable last) {
        ReportQueue marker = new ReportQueue(DRAINED);
        if (last != null) {
            submit(last);
        }
        submit(marker);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXIT_DRAIN_MILLIS);
        synchronized (marker) {
            while (!marker.written) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(marker, left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private static void write() {
        while (true) {
            Runnable report;
            try {
                report = queue.take();
            } catch (InterruptedException e) {
                continue;
            }
            runQuietly(report);
            long lost = dropped.get();
            long told = droppedReported.get();
            if (lost > told && queue.isEmpty() && droppedReported.compareAndSet(told, lost)) {
                AgentLog.writeNow("WARN ", (lost - told) + " report(s) dropped: the agent's output did not keep up"
                        + " (standard error or the audit file blocked or slow); the counters are exact");
            }
        }
    }

    private static void runQuietly(Runnable report) {
        try {
            report.run();
        } catch (Throwable failure) {
            AgentLog.countFailure();
        }
    }
}
