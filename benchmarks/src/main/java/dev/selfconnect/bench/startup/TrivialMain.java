package dev.selfconnect.bench.startup;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The trivial main whose JVM start is timed: nothing but the JVM, the agent (if any) and this empty method. With the
 * argument {@value #MAIN_THREAD_CPU} it prints, first thing, the CPU time its thread has used so far (ns, from the
 * kernel's scheduler statistics): what the JVM's start and the agent's premain cost the main thread, without the
 * other threads' share of the processors.
 */
public final class TrivialMain {

    public static final String MAIN_THREAD_CPU = "main-thread-cpu";
    /** Printed instead of the time by a kernel without scheduler statistics. */
    public static final String UNAVAILABLE = "unavailable";
    private static final String SCHEDSTAT = "/proc/thread-self/schedstat";

    private TrivialMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals(MAIN_THREAD_CPU)) {
            byte[] buffer = new byte[128];
            int length;
            // FileInputStream is loaded at JVM start already: reading costs this thread next to nothing more.
            try (FileInputStream in = new FileInputStream(SCHEDSTAT)) {
                length = in.read(buffer);
            } catch (IOException noSchedulerStatistics) {
                System.out.println(UNAVAILABLE);
                return;
            }
            String onCpuNanos = new String(buffer, 0, Math.max(length, 0), StandardCharsets.US_ASCII).split(" ")[0];
            System.out.println(onCpuNanos);
        }
    }
}
