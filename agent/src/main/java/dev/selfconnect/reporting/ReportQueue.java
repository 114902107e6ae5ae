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
 * One instance is the agent's output in this JVM ({@link AgentLog#output()}): its queue, its writer thread, where the
 * lines go. The writer thread, the exit hook and the drain marker are instances of this class too, loaded in premain,
 * rather than classes of their own: they must work when the agent jar was overwritten before the first report, which
 * is when a class not loaded yet can no longer be read from it.
 */
public final class ReportQueue implements Runnable {

    private static final int OUTPUT = 0;
    private static final int WRITER = 1;
    private static final int EXIT_HOOK = 2;
    private static final int DRAINED = 3;

    public static final int CAPACITY = 4096;
    /** How long the JVM's exit waits for the queue to drain before it goes on without the rest. */
    public static final long EXIT_DRAIN_MILLIS = 2000;

    /** What this is, or does when run: {@link #OUTPUT}, {@link #WRITER}, {@link #EXIT_HOOK}, {@link #DRAINED}. */
    private final int role;
    /** For the writer and the exit hook: the output they serve. */
    private final ReportQueue output;
    /** For {@link #DRAINED}: set once everything queued before it was written. */
    private boolean written;

    /** Made with the writer thread, before it is published: until then nothing is queued. */
    private BlockingQueue<Runnable> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedReported = new AtomicLong();
    private volatile Thread writer;
    private volatile boolean enabled;
    /** Written last at the JVM's exit (the agent's summary); null for nothing. */
    private volatile Runnable lastAtExit;
    /** Where the lines go; null for standard error. */
    volatile AgentLog.Sink sink;
    /** Told of a failure to load one of the agent's classes (its jar may have changed); null for nobody. */
    volatile Runnable classesUnreadable;

    /** The agent's output: reports are written at once until {@link #enable}. */
    ReportQueue() {
        this(OUTPUT, null);
    }

    private ReportQueue(int role, ReportQueue output) {
        this.role = role;
        this.output = output;
    }

    @Override
    public void run() {
        switch (role) {
            case WRITER:
                output.write();
                break;
            case EXIT_HOOK:
                output.drainAtExit(output.lastAtExit);
                break;
            case DRAINED:
                synchronized (this) {
                    written = true;
                    notifyAll();
                }
                break;
            default:
                // the output itself is never run
        }
    }

    /**
     * From now on reports are queued; the writer thread starts with the first report (an application that never has
     * one never has the thread). With that first report the JVM's exit gets a hook that drains the queue and writes
     * {@code atExit} last ({@link #drainAtExit}): a JVM that reported nothing exits without one.
     */
    public static void enable(Runnable atExit) {
        AgentLog.output().enableQueue(atExit);
    }

    private void enableQueue(Runnable atExit) {
        lastAtExit = atExit;
        enabled = true;
    }

    /** Whether {@link #submit} queues reports from now on, rather than running them on the caller's thread. */
    boolean queueing() {
        return enabled || writer != null;
    }

    private synchronized void start() {
        if (writer != null) {
            return;
        }
        queue = new ArrayBlockingQueue<Runnable>(CAPACITY);
        Thread thread = new Thread(new ReportQueue(WRITER, this), "selfconnect-reporter");
        thread.setDaemon(true);
        thread.start();
        writer = thread;
        registerExitHook();
    }

    private void registerExitHook() {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(new ReportQueue(EXIT_HOOK, this), "selfconnect-summary"));
        } catch (RuntimeException shuttingDownOrDenied) {
            // the JVM is already exiting, or a security manager forbids it: the queue is not waited for at exit
        }
    }

    /**
     * Queues the report, or writes it now before the writer thread runs (and on the writer thread itself). Never
     * blocks once it runs.
     */
    public static void submit(Runnable report) {
        AgentLog.output().submitReport(report);
    }

    void submitReport(Runnable report) {
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
        return AgentLog.output().writer == Thread.currentThread();
    }

    /** Reports dropped because the queue was full, since the JVM started. */
    public static long dropped() {
        return AgentLog.output().dropped.get();
    }

    /**
     * At the JVM's exit: queues the last report, if any, and waits, at most {@link #EXIT_DRAIN_MILLIS}, for everything
     * queued to be written.
     */
    private void drainAtExit(Runnable last) {
        ReportQueue marker = new ReportQueue(DRAINED, this);
        if (last != null) {
            submitReport(last);
        }
        submitReport(marker);
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

    private void write() {
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
