package dev.selfconnect.management;

import dev.selfconnect.state.AgentState;
import dev.selfconnect.config.Settings;
import dev.selfconnect.identity.AgentIdentity;
import dev.selfconnect.identity.ProcessIdentity;
import dev.selfconnect.reporting.AgentStatistics;
import dev.selfconnect.vocabulary.JsonText;

import java.util.List;

/** The MXBean's values, read from the agent's state in force at each call. */
final class AgentStatus implements AgentMXBean {

    private static AgentState state() {
        AgentState state = AgentState.current();
        if (state == null) {
            throw new IllegalStateException("the selfconnect agent is not installed");
        }
        return state;
    }

    private static AgentStatistics statistics() {
        return state().statistics();
    }

    private static Settings settings() {
        return state().settings();
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
    public long getInternalFailures() {
        return statistics().internalFailures();
    }

    @Override
    public String[] getEndpointsAtRisk() {
        List<String> endpoints = state().endpoints();
        return endpoints.toArray(new String[0]);
    }

    @Override
    public String getProtection() {
        return state().protection();
    }

    @Override
    public String getState() {
        return state().phase().label();
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
        return state().version();
    }

    /** On a JMX thread, never the application's connecting one: it may resolve the identity. */
    private static ProcessIdentity identity() {
        return AgentIdentity.current().withService(settings().service());
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    @Override
    public String getServiceName() {
        return identity().serviceName;
    }

    @Override
    public String getHostName() {
        return orEmpty(identity().hostName);
    }

    @Override
    public long getProcessPid() {
        return identity().pid;
    }

    @Override
    public String getProcessStartTime() {
        long start = identity().startMillis;
        return start < 0 ? "" : JsonText.isoTime(start);
    }

    @Override
    public String getContainerId() {
        return orEmpty(identity().containerId);
    }

    @Override
    public String getK8sPodName() {
        return orEmpty(identity().podName);
    }

    @Override
    public String getK8sNamespaceName() {
        return orEmpty(identity().namespaceName);
    }

    @Override
    public String getIdentity() {
        return identity().describe();
    }
}
