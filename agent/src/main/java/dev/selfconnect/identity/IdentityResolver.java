package dev.selfconnect.identity;

import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;

/**
 * Resolves a process's identity from the sources it is given, with one precedence for the agent (its own JVM) and the
 * host scan (another process, read from its {@code /proc} files).
 * <ul>
 * <li>service: the {@code service} setting; the OpenTelemetry Java agent's {@code otel.service.name} system property,
 * then {@code OTEL_SERVICE_NAME}; {@code service.name} in {@code otel.resource.attributes}, then in
 * {@code OTEL_RESOURCE_ATTRIBUTES}; the main jar's file name without {@code .jar}, or the main class, from the
 * command; else OpenTelemetry's {@code unknown_service:java};</li>
 * <li>Kubernetes pod and namespace: the Downward API variables {@link #POD_NAME_VARIABLES} and
 * {@link #NAMESPACE_VARIABLES}, then {@code k8s.pod.name} and {@code k8s.namespace.name} in
 * {@code OTEL_RESOURCE_ATTRIBUTES}, and for the namespace the service account's namespace file every pod mounts;</li>
 * <li>container: {@link ContainerIds} over the cgroup and mountinfo files; host: the kernel's host name.</li>
 * </ul>
 */
public final class IdentityResolver {

    static final String SOURCE_SETTING = "setting service";
    static final String OTEL_SERVICE_NAME = "OTEL_SERVICE_NAME";
    static final String OTEL_SERVICE_NAME_PROPERTY = "otel.service.name";
    static final String OTEL_RESOURCE_ATTRIBUTES = "OTEL_RESOURCE_ATTRIBUTES";
    static final String OTEL_RESOURCE_ATTRIBUTES_PROPERTY = "otel.resource.attributes";
    /** OpenTelemetry's service name for a process that names none, for a JVM whose command cannot be read. */
    static final String UNKNOWN_SERVICE = "unknown_service:java";
    /** The Downward API variables read for the pod's name, first set wins ({@code fieldPath: metadata.name}). */
    public static final String[] POD_NAME_VARIABLES = {"K8S_POD_NAME", "POD_NAME"};
    /** The same for its namespace ({@code fieldPath: metadata.namespace}). */
    public static final String[] NAMESPACE_VARIABLES = {"K8S_NAMESPACE_NAME", "POD_NAMESPACE"};
    static final String SERVICE_ACCOUNT_NAMESPACE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
    private static final String JAR = ".jar";

    /** Where the values come from: the agent's own JVM, or another process's files. */
    public interface Sources {
        /** An environment variable, or null. */
        String environment(String name);

        /** A system property, or null. */
        String property(String name);

        /** The JVM's main class or jar and its arguments, as the {@code sun.java.command} property holds them. */
        String command();

        /** The text of a file of this process ("cgroup", "mountinfo" below /proc/PID, or an absolute path), or null. */
        String file(String name);
    }

    private IdentityResolver() {
    }

    /** The service name and where it came from: {name, source}. */
    public static String[] service(String configured, Sources sources) {
        String[] set = configured == null ? null : pair(configured, SOURCE_SETTING);
        if (set != null) {
            return set;
        }
        String[] found = firstSet(sources, OTEL_SERVICE_NAME_PROPERTY, OTEL_SERVICE_NAME);
        if (found != null) {
            return found;
        }
        String fromProperty = resourceAttribute(sources.property(OTEL_RESOURCE_ATTRIBUTES_PROPERTY), "service.name");
        if (fromProperty != null) {
            return pair(fromProperty, OTEL_RESOURCE_ATTRIBUTES_PROPERTY);
        }
        String fromVariable = resourceAttribute(sources.environment(OTEL_RESOURCE_ATTRIBUTES), "service.name");
        if (fromVariable != null) {
            return pair(fromVariable, OTEL_RESOURCE_ATTRIBUTES);
        }
        String main = mainOf(sources.command());
        if (main != null) {
            return pair(main, "the main class or jar");
        }
        return new String[] {UNKNOWN_SERVICE, "nothing names it"};
    }

    private static String[] firstSet(Sources sources, String property, String variable) {
        String fromProperty = UntrustedText.bounded(sources.property(property));
        if (fromProperty != null) {
            return new String[] {fromProperty, "system property " + property};
        }
        String fromVariable = UntrustedText.bounded(sources.environment(variable));
        return fromVariable == null ? null : new String[] {fromVariable, variable};
    }

    private static String[] pair(String value, String source) {
        String bounded = UntrustedText.bounded(value);
        return bounded == null ? null : new String[] {bounded, source};
    }

    /** The pod's name, or null. */
    public static String podName(Sources sources) {
        return kubernetes(sources, POD_NAME_VARIABLES, "k8s.pod.name", null);
    }

    /** The pod's namespace, or null. */
    public static String namespaceName(Sources sources) {
        return kubernetes(sources, NAMESPACE_VARIABLES, "k8s.namespace.name", SERVICE_ACCOUNT_NAMESPACE);
    }

    private static String kubernetes(Sources sources, String[] variables, String attribute, String file) {
        for (String variable : variables) {
            String value = UntrustedText.bounded(sources.environment(variable));
            if (value != null) {
                return value;
            }
        }
        String value = UntrustedText.bounded(resourceAttribute(sources.environment(OTEL_RESOURCE_ATTRIBUTES),
                attribute));
        if (value != null || file == null) {
            return value;
        }
        return UntrustedText.bounded(sources.file(file));
    }

    /** The container's id, or null. */
    public static String containerId(Sources sources) {
        String cgroup = sources.file("cgroup");
        String id = ContainerIds.fromCgroup(cgroup);
        return id != null ? id : ContainerIds.fromMountinfo(sources.file("mountinfo"));
    }

    /**
     * One attribute of an OpenTelemetry resource attribute list, {@code key1=value1,key2=value2}, values
     * percent-encoded (as the specification says); null when absent or empty.
     */
    static String resourceAttribute(String attributes, String key) {
        if (attributes == null) {
            return null;
        }
        String found = null;
        for (String pair : attributes.split(",")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).trim().equals(key)) {
                found = pair.substring(equals + 1).trim(); // the last one wins, as in OpenTelemetry's SDK
            }
        }
        if (found == null) {
            return null;
        }
        try {
            found = URLDecoder.decode(found.replace("+", "%2B"), "UTF-8");
        } catch (UnsupportedEncodingException | IllegalArgumentException malformed) {
            // kept as written: a malformed escape is the user's text, shown as given
        }
        return UntrustedText.bounded(found);
    }

    /** "orders.jar --port 8080" -> "orders"; "com.example.Main arg" -> "com.example.Main"; null for none. */
    static String mainOf(String command) {
        if (command == null) {
            return null;
        }
        String first = command.trim();
        int blank = first.indexOf(' ');
        if (blank >= 0) {
            first = first.substring(0, blank);
        }
        if (first.isEmpty()) {
            return null;
        }
        if (first.endsWith(JAR)) {
            int slash = Math.max(first.lastIndexOf('/'), first.lastIndexOf('\\'));
            first = first.substring(slash + 1, first.length() - JAR.length());
        }
        return UntrustedText.bounded(first);
    }
}
