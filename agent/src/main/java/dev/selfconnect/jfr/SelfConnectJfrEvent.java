package dev.selfconnect.jfr;

import dev.selfconnect.identity.ProcessIdentity;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.StackTrace;
import jdk.jfr.Timestamp;

/**
 * The fields both selfconnect JFR events carry; JFR also records the time. The agent's reporting thread commits them
 * (JFR's {@code eventThread}); the thread that connected or bound is {@link #threadName}. JFR's own stack trace is
 * off: it would start in the agent's frames, and {@code jfr print} shows only its first five; the stack, from the
 * application's first frame, is {@link #applicationFrames}. The identity fields hold the OpenTelemetry attributes of
 * the JSON Lines record under JFR's field naming ({@code service.name}: {@code serviceName}).
 */
@Category({"selfconnect"})
@StackTrace(false)
abstract class SelfConnectJfrEvent extends Event {

    @Label("Kind")
    @Description("self-connection, risk-connect or risk-listen")
    String kind;

    @Label("Local Address")
    String localAddress;

    @Label("Local Port")
    int localPort;

    @Label("Remote Address")
    String remoteAddress;

    @Label("Remote Port")
    int remotePort;

    @Label("API")
    String api;

    @Label("Thread Name")
    String threadName;

    @Label("Message")
    String message;

    @Label("Fix")
    String fix;

    @Label("Application Frames")
    @Description("The stack that made the connect or bind, from the application's first frame, one per line")
    String applicationFrames;

    @Label("Service Name")
    @Description("service.name: the service setting, OTEL_SERVICE_NAME, service.name in OTEL_RESOURCE_ATTRIBUTES,"
            + " or the main class or jar")
    String serviceName;

    @Label("Host Name")
    @Description("host.name")
    String hostName;

    @Label("Process Id")
    @Description("process.pid")
    long processPid;

    @Label("Process Start Time")
    @Description("process.creation.time")
    @Timestamp(Timestamp.MILLISECONDS_SINCE_EPOCH)
    long processStartTime;

    @Label("Container Id")
    @Description("container.id, from the process's cgroup or the runtime's mounts")
    String containerId;

    @Label("Kubernetes Pod")
    @Description("k8s.pod.name, from the Downward API variables")
    String k8sPodName;

    @Label("Kubernetes Namespace")
    @Description("k8s.namespace.name")
    String k8sNamespaceName;

    @Label("selfconnect Version")
    @Description("selfconnect.version: the agent's version")
    String agentVersion;

    /** Fills the identity fields from the process's identity and the service setting. */
    void identify(ProcessIdentity identity, String configuredService) {
        ProcessIdentity shown = identity.withService(configuredService);
        serviceName = shown.serviceName;
        hostName = shown.hostName;
        processPid = shown.pid;
        processStartTime = shown.startMillis;
        containerId = shown.containerId;
        k8sPodName = shown.podName;
        k8sNamespaceName = shown.namespaceName;
        agentVersion = shown.agentVersion;
    }
}
