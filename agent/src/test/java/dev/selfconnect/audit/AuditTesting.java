package dev.selfconnect.audit;

import dev.selfconnect.vocabulary.Notices;
import dev.selfconnect.testing.Stderr;
import dev.selfconnect.config.Settings;
import dev.selfconnect.config.SettingsLoader;
import dev.selfconnect.reporting.AgentLog;
import dev.selfconnect.vocabulary.KernelPortFiles;
import dev.selfconnect.reporting.AgentStatistics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/** For the management and JFR tests: an audit over kernel files written into a directory. */
public final class AuditTesting {

    private AuditTesting() {
    }

    public static Audit configure(Path dir, String arguments, AgentStatistics statistics) throws Exception {
        Path proc = Files.createDirectories(dir.resolve("proc"));
        Files.writeString(proc.resolve("ip_local_port_range"), "40000 40999\n");
        Files.writeString(proc.resolve("ip_local_reserved_ports"), "40001\n");
        return audit(SettingsLoader.load(arguments, new Properties(), Map.of()), statistics, proc);
    }

    /** An audit of its own (its own findings) over the kernel files in this directory. */
    public static Audit audit(Settings settings, AgentStatistics statistics, Path proc) {
        return new Audit(settings, statistics, new Findings(), ports(proc));
    }

    /** The kernel files in this directory, their notices on the agent's log. */
    public static KernelPortFiles ports(Path proc) {
        return new KernelPortFiles(proc, KernelPortFiles.REFRESH_NANOS, new Notices() {
            @Override
            public void info(String message) {
                AgentLog.info(message);
            }

            @Override
            public void warn(String message) {
                AgentLog.warn(message);
            }
        });
    }

    /** Runs the action with standard error captured, and returns what was written. */
    public static String quietly(Stderr.Action action) throws Exception {
        return Stderr.capture(action);
    }
}
