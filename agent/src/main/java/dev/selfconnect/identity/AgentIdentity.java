package dev.selfconnect.identity;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * This JVM's identity, resolved once, on a thread of the agent: the weaver thread once the application's first steps
 * are past, or whichever agent thread needs it first (the reporting thread writing the first JSON line, the attach
 * thread answering {@code status}, the exit hook, the reporting thread committing a JFR event). A connecting thread
 * never asks for it. Nothing here runs in premain.
 */
public final class AgentIdentity {

    /** The kernel's clock ticks per second as {@code /proc} shows times (USER_HZ: 100 on every Linux ABI in use). */
    static final long USER_HZ = 100;
    /** The most read of one {@code /proc} file: mountinfo on a busy host runs to a few hundred kilobytes. */
    static final int MAX_FILE_BYTES = 1 << 20;
    private static final String PROC_SELF = "/proc/self/";
    /** The 22nd field of /proc/PID/stat; counted from the state, the 3rd, after the command's closing ')'. */
    private static final int START_TIME_AFTER_STATE = 22 - 3;

    /**
     * The process's identity, resolved once: static because the audit's sinks, the MBean and the summary at exit ask
     * for it on their own threads, and none of them holds the installation.
     */
    private static volatile ProcessIdentity resolved;

    private AgentIdentity() {
    }

    /** The identity, resolved now if no agent thread did it yet. Never call it on an application's thread. */
    public static ProcessIdentity current() {
        ProcessIdentity known = resolved;
        if (known != null) {
            return known;
        }
        synchronized (AgentIdentity.class) {
            if (resolved == null) {
                resolved = resolve();
            }
            return resolved;
        }
    }

    private static ProcessIdentity resolve() {
        IdentityResolver.Sources own = new OwnProcess();
        String[] service;
        try {
            service = IdentityResolver.service(null, own);
        } catch (RuntimeException e) {
            service = new String[] {IdentityResolver.UNKNOWN_SERVICE, "not readable: " + e};
        }
        String hostName = null;
        String containerId = null;
        String podName = null;
        String namespaceName = null;
        // Each value on its own: one that cannot be read (a security policy) is left out, the others are kept.
        try {
            hostName = hostName(own);
        } catch (RuntimeException unreadable) {
            // left out
        }
        try {
            containerId = IdentityResolver.containerId(own);
        } catch (RuntimeException unreadable) {
            // left out
        }
        try {
            podName = IdentityResolver.podName(own);
        } catch (RuntimeException unreadable) {
            // left out
        }
        try {
            namespaceName = IdentityResolver.namespaceName(own);
        } catch (RuntimeException unreadable) {
            // left out
        }
        String version = AgentIdentity.class.getPackage().getImplementationVersion();
        return new ProcessIdentity(service[0], service[1], hostName, pid(), startMillis(), containerId, podName,
                namespaceName, version == null ? "(development build)" : version);
    }

    private static String hostName(IdentityResolver.Sources own) {
        String kernel = UntrustedText.bounded(own.file("/proc/sys/kernel/hostname"));
        if (kernel != null) {
            return kernel;
        }
        String variable = UntrustedText.bounded(own.environment("HOSTNAME"));
        if (variable != null) {
            return variable;
        }
        try {
            return UntrustedText.bounded(InetAddress.getLocalHost().getHostName()); // not Linux: may ask a resolver
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static long pid() {
        try {
            return Long.parseLong(new File("/proc/self").getCanonicalFile().getName());
        } catch (IOException | RuntimeException notLinux) {
            try {
                // Java 9 and later: ProcessHandle.current().pid(), called reflectively (the agent compiles for 8).
                Class<?> handle = Class.forName("java.lang.ProcessHandle");
                Object current = handle.getMethod("current").invoke(null);
                return (Long) handle.getMethod("pid").invoke(current);
            } catch (Exception | LinkageError java8) {
                return -1;
            }
        }
    }

    /** The process's start from /proc/self/stat and the boot time in /proc/stat; -1 elsewhere. */
    static long startMillis() {
        try {
            return startMillis(read(PROC_SELF + "stat"), read("/proc/stat"));
        } catch (RuntimeException unreadable) {
            return -1;
        }
    }

    static long startMillis(String stat, String systemStat) {
        if (stat == null || systemStat == null) {
            return -1;
        }
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long ticks = Long.parseLong(fields[START_TIME_AFTER_STATE]);
        for (String line : systemStat.split("\n")) {
            if (line.startsWith("btime ")) {
                long bootSeconds = Long.parseLong(line.substring("btime ".length()).trim());
                return bootSeconds * 1000 + ticks * 1000 / USER_HZ;
            }
        }
        return -1;
    }

    /** A file's text, at most {@link #MAX_FILE_BYTES}; null when it cannot be read. */
    static String read(String path) {
        try (InputStream in = new FileInputStream(path)) {
            byte[] buffer = new byte[8192];
            int length = 0;
            int n;
            while (length < MAX_FILE_BYTES && (n = in.read(buffer, length, buffer.length - length)) > 0) {
                length += n;
                if (length == buffer.length && length < MAX_FILE_BYTES) {
                    buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, MAX_FILE_BYTES));
                }
            }
            return new String(buffer, 0, length, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** This JVM: its environment, system properties and /proc/self files. */
    private static final class OwnProcess implements IdentityResolver.Sources {
        @Override
        public String environment(String name) {
            return System.getenv(name);
        }

        @Override
        public String property(String name) {
            return System.getProperty(name);
        }

        @Override
        public String command() {
            return System.getProperty("sun.java.command");
        }

        @Override
        public String file(String name) {
            return read(name.startsWith("/") ? name : PROC_SELF + name);
        }
    }
}
