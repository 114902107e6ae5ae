package dev.selfconnect.management;

import dev.selfconnect.audit.Audit;
import dev.selfconnect.config.Settings;
import dev.selfconnect.reporting.AgentStatistics;

import java.util.List;

/** The MXBean's values, read from the audit in force at each call. */
final class AgentStatus implements AgentMXBean {

    private final String version;

    AgentStatus(String version) {
        this.version = version;
    }

    private static Audit audit() {
        Audit audit = Audit.current();
        if (audit == null) {
            throw new IllegalStateException("the selfconnect agent is not installed");
        }
        return audit;
    }

    private static AgentStatistics statistics() {
        return audit().statistics();
    }

    private static Settings settings() {
        return audit().settings();
    }

    @Override
    public long getChecks() {
        return statistics().checks();
    }

    @Override
    public long getSelfConnections() {
        return statistics().selfConnections();
    }

    @Override
    public long getExceptionsThrown() {
        return statistics().rejections();
    }

    @Override
    public long getRisksFound() {
        return statistics().risks();
    }

    @Override
    public String[] getEndpointsAtRisk() {
        List<String> endpoints = Audit.endpoints();
        return endpoints.toArray(new String[0]);
    }

    @Override
    public String getMode() {
        return settings().mode().toString();
    }

    @Override
    public boolean isStackTraces() {
        return settings().stackTraces();
    }

    @Override
    public String getIgnore() {
        return settings().ignore().toString();
    }

    @Override
    public boolean isRisks() {
        return settings().risks();
    }

    @Override
    public String getAuditFile() {
        String file = settings().auditFile();
        return file == null ? "" : file;
    }

    @Override
    public String getSettings() {
        return settings().describe();
    }

    @Override
    public String getVersion() {
        return version;
    }
}
