package dev.selfconnect.audit;

import java.io.File;
import java.io.IOException;

/** This JVM's process id, found without loading the management classes. */
final class Pid {

    private static volatile long pid = -2;

    private Pid() {
    }

    static long current() {
        long known = pid;
        if (known == -2) {
            known = find();
            pid = known;
        }
        return known;
    }

    private static long find() {
        try {
            // Java 9 and later: ProcessHandle.current().pid(), called reflectively (the agent compiles for Java 8).
            Class<?> handle = Class.forName("java.lang.ProcessHandle");
            Object current = handle.getMethod("current").invoke(null);
            return (Long) handle.getMethod("pid").invoke(current);
        } catch (Exception java8) {
            try {
                return Long.parseLong(new File("/proc/self").getCanonicalFile().getName());
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
    }
}
