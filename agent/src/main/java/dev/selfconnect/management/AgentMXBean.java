package dev.selfconnect.management;

/**
 * What the agent shows over JMX as {@code selfconnect:type=Agent}: the counters of the log and the summary, and the
 * effective configuration.
 */
public interface AgentMXBean {

    /** Completed connects the agent looked at. */
    long getChecks();

    long getSelfConnections();

    /** SelfConnectExceptions thrown into the application (mode=throw). */
    long getExceptionsThrown();

    /** Connects to, and listeners on, local ports in the ephemeral range that are not reserved; once per endpoint. */
    long getRisksFound();

    /** Failures inside the agent, caught and counted; the application went on. */
    long getInternalFailures();

    /** Which API families are protected on this JVM, and any hook point that is missing. */
    String getProtection();

    /** active (the MBean is unregistered when the agent is switched off or detached). */
    String getState();

    /** The endpoints found, e.g. "listen 0.0.0.0:40005 (ServerSocket)". */
    String[] getEndpointsAtRisk();

    String getMode();

    boolean isStackTraces();

    String getIgnore();

    boolean isRisks();

    /** The JSON Lines file, or "" for none. */
    String getAuditFile();

    /** The configuration as the startup line shows it. */
    String getSettings();

    String getVersion();

    /** service.name: the service setting, OTEL_SERVICE_NAME, service.name in OTEL_RESOURCE_ATTRIBUTES, the main. */
    String getServiceName();

    /** host.name. */
    String getHostName();

    /** process.pid; -1 where unknown. */
    long getProcessPid();

    /** process.creation.time, ISO 8601 in UTC, or "" where unknown. */
    String getProcessStartTime();

    /** container.id, or "" outside a container the cgroup or the runtime's mounts name. */
    String getContainerId();

    /** k8s.pod.name, or "" where no Downward API variable names it. */
    String getK8sPodName();

    /** k8s.namespace.name, or "". */
    String getK8sNamespaceName();

    /** All of the identity in one line, as {@code status} shows it: {@code service.name=... host.name=...}. */
    String getIdentity();
}
