package dev.selfconnect.identity;

import dev.selfconnect.vocabulary.JsonText;

/**
 * Who reports: the service, host, process, container and pod, each under its OpenTelemetry semantic-convention name,
 * and the agent's version under selfconnect's own key. Immutable; every value is bounded and safe to print
 * ({@link UntrustedText}). The optional values (container, pod) are null where absent.
 */
public final class ProcessIdentity {

    public static final String SERVICE_NAME = "service.name";
    public static final String HOST_NAME = "host.name";
    public static final String PROCESS_PID = "process.pid";
    public static final String PROCESS_CREATION_TIME = "process.creation.time";
    public static final String CONTAINER_ID = "container.id";
    public static final String K8S_POD_NAME = "k8s.pod.name";
    public static final String K8S_NAMESPACE_NAME = "k8s.namespace.name";
    /**
     * Not {@code telemetry.distro.version}: that names the OpenTelemetry distribution that made the record, and a
     * collector that merges the OpenTelemetry Java agent's resource with these records would see two values for it.
     */
    public static final String AGENT_VERSION = "selfconnect.version";

    public final String serviceName;
    /** Where the service name came from: "setting service", "OTEL_SERVICE_NAME", ... (for status). */
    public final String serviceSource;
    public final String hostName;
    /** -1 where unknown. */
    public final long pid;
    /** Milliseconds since the epoch; -1 where unknown. */
    public final long startMillis;
    public final String containerId;
    public final String podName;
    public final String namespaceName;
    public final String agentVersion;

    public ProcessIdentity(String serviceName, String serviceSource, String hostName, long pid, long startMillis,
                    String containerId, String podName, String namespaceName, String agentVersion) {
        this.serviceName = serviceName;
        this.serviceSource = serviceSource;
        this.hostName = hostName;
        this.pid = pid;
        this.startMillis = startMillis;
        this.containerId = containerId;
        this.podName = podName;
        this.namespaceName = namespaceName;
        this.agentVersion = agentVersion;
    }

    /** This identity with the service the {@code service} setting names, if it names one. */
    public ProcessIdentity withService(String configuredService) {
        if (configuredService == null || configuredService.equals(serviceName)) {
            return this;
        }
        return new ProcessIdentity(configuredService, IdentityResolver.SOURCE_SETTING, hostName, pid, startMillis,
                containerId, podName, namespaceName, agentVersion);
    }

    /**
     * The identity as JSON members, without braces, each followed by a comma:
     * {@code "service.name":"orders-api","host.name":"web-1",...,}. Absent optional values are left out.
     */
    public StringBuilder appendJsonMembers(StringBuilder sb) {
        member(sb, SERVICE_NAME, serviceName);
        member(sb, HOST_NAME, hostName);
        if (pid >= 0) {
            sb.append('"').append(PROCESS_PID).append("\":").append(pid).append(',');
        }
        member(sb, PROCESS_CREATION_TIME, startMillis < 0 ? null : JsonText.isoTime(startMillis));
        member(sb, CONTAINER_ID, containerId);
        member(sb, K8S_POD_NAME, podName);
        member(sb, K8S_NAMESPACE_NAME, namespaceName);
        member(sb, AGENT_VERSION, agentVersion);
        return sb;
    }

    private static void member(StringBuilder sb, String key, String value) {
        if (value != null) {
            JsonText.string(sb.append('"').append(key).append("\":"), value).append(',');
        }
    }

    /**
     * One line, {@code service.name=orders-api host.name=web-1 process.pid=4242 ...}, as the status, the summary and
     * the startup of a record show it; values quoted where they hold more than plain characters.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder(160);
        pair(sb, SERVICE_NAME, serviceName);
        pair(sb, HOST_NAME, hostName);
        pair(sb, PROCESS_PID, pid < 0 ? null : Long.toString(pid));
        pair(sb, PROCESS_CREATION_TIME, startMillis < 0 ? null : JsonText.isoTime(startMillis));
        pair(sb, CONTAINER_ID, containerId);
        pair(sb, K8S_POD_NAME, podName);
        pair(sb, K8S_NAMESPACE_NAME, namespaceName);
        pair(sb, AGENT_VERSION, agentVersion);
        return sb.toString();
    }

    /** The short form for the summary's first line: service, host, pid, container (12 digits), pod, version. */
    public String describeShort() {
        StringBuilder sb = new StringBuilder(120);
        pair(sb, SERVICE_NAME, serviceName);
        pair(sb, HOST_NAME, hostName);
        pair(sb, PROCESS_PID, pid < 0 ? null : Long.toString(pid));
        pair(sb, CONTAINER_ID, ContainerIds.shortId(containerId));
        pair(sb, K8S_NAMESPACE_NAME, namespaceName);
        pair(sb, K8S_POD_NAME, podName);
        pair(sb, AGENT_VERSION, agentVersion);
        return sb.toString();
    }

    private static void pair(StringBuilder sb, String key, String value) {
        if (value != null) {
            sb.append(sb.length() == 0 ? "" : " ").append(key).append('=').append(UntrustedText.quotedIfNeeded(value));
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
