package dev.selfconnect.scan;

import dev.selfconnect.identity.ContainerIds;
import dev.selfconnect.vocabulary.EventKind;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scan as node-exporter textfile-collector metrics. The file is written next to its final name and renamed over
 * it, so that the collector never reads half a file; the temporary name does not end in ".prom", which the collector
 * ignores.
 */
final class PrometheusOutput {

    private PrometheusOutput() {
    }

    static String text(Scanner.Result result, long timeMillis) {
        StringBuilder sb = new StringBuilder(1024);
        help(sb, "selfconnect_scan_findings", "Findings of the last scan on this host by kind: self-connection"
                + " (live), risk-listen (listener on an unreserved ephemeral port), risk-connect (a client of one on"
                + " this host).");
        for (EventKind kind : EventKind.values()) {
            int n = 0;
            for (NamespaceScan namespace : result.namespaces) {
                n += namespace.count(kind);
            }
            sample(sb, "selfconnect_scan_findings", n, "kind", kind.label());
        }
        help(sb, "selfconnect_scan_finding", "Findings of the last scan by kind, the port a reservation protects, and"
                + " the owner: its container (12 digits), Kubernetes pod, service (a JVM with the agent) and command"
                + " name; empty where unknown. No pid, inode or client port: they change with every restart or"
                + " connect.");
        Map<String, Integer> counts = new TreeMap<String, Integer>();
        Map<String, String[]> labels = new HashMap<String, String[]>();
        for (NamespaceScan namespace : result.namespaces) {
            for (Finding finding : namespace.findings) {
                OwnerIdentity identity = finding.identity;
                String pod = identity == null || identity.podName == null ? "" : identity.podName;
                String podNamespace = identity == null || identity.podNamespace == null ? "" : identity.podNamespace;
                String container = ContainerIds.shortId(finding.containerId());
                String service = finding.service();
                String[] set = {"kind", finding.kind.label(), "port", Integer.toString(finding.port()),
                    "container", container == null ? "" : container, "k8s_namespace", podNamespace, "pod", pod,
                    "service", service == null ? "" : service,
                    "command", finding.commandName == null ? "" : finding.commandName};
                String key = Arrays.toString(set);
                Integer before = counts.get(key);
                counts.put(key, before == null ? 1 : before + 1);
                labels.put(key, set);
            }
        }
        for (Map.Entry<String, Integer> entry : counts.entrySet()) {
            sample(sb, "selfconnect_scan_finding", entry.getValue(), labels.get(entry.getKey()));
        }
        int unowned = 0;
        int sockets = 0;
        int rangeUnknown = 0;
        for (NamespaceScan namespace : result.namespaces) {
            unowned += namespace.unowned();
            sockets += namespace.sockets;
            rangeUnknown += namespace.ports == null ? 1 : 0;
        }
        help(sb, "selfconnect_scan_unowned_findings", "Findings whose socket no process visible to the scanning user"
                + " holds.");
        sample(sb, "selfconnect_scan_unowned_findings", unowned);
        help(sb, "selfconnect_scan_sockets", "TCP sockets read in the scanned network namespaces.");
        sample(sb, "selfconnect_scan_sockets", sockets);
        help(sb, "selfconnect_scan_namespaces_range_unknown", "Network namespaces whose ephemeral port range could"
                + " not be read, so that their listeners were not checked.");
        sample(sb, "selfconnect_scan_namespaces_range_unknown", rangeUnknown);
        help(sb, "selfconnect_scan_namespaces", "Network namespaces scanned.");
        sample(sb, "selfconnect_scan_namespaces", result.namespaces.size());
        int problems = result.problems.size();
        for (NamespaceScan namespace : result.namespaces) {
            problems += namespace.problems.size();
        }
        help(sb, "selfconnect_scan_problems", "Things the last scan could not read (unreadable namespaces, malformed"
                + " lines); they are reported on its standard error.");
        sample(sb, "selfconnect_scan_problems", problems);
        help(sb, "selfconnect_scan_duration_seconds", "How long the last scan took.");
        sb.append("selfconnect_scan_duration_seconds ").append(String.format(Locale.ROOT, "%.6f", result.nanos / 1e9))
                .append('\n');
        help(sb, "selfconnect_scan_timestamp_seconds", "When the last scan ran, in seconds since the epoch.");
        sb.append("selfconnect_scan_timestamp_seconds ").append(String.format(Locale.ROOT, "%.3f", timeMillis / 1e3))
                .append('\n');
        return sb.toString();
    }

    static void write(Path file, String text) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path directory = absolute.getParent();
        Path temporary = directory.resolve("." + absolute.getFileName() + "." + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void help(StringBuilder sb, String name, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" gauge\n");
    }

    private static void sample(StringBuilder sb, String name, long value, String... labels) {
        sb.append(name);
        if (labels.length > 0) {
            sb.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                sb.append(i == 0 ? "" : ",").append(labels[i]).append("=\"");
                escape(sb, labels[i + 1]);
                sb.append('"');
            }
            sb.append('}');
        }
        sb.append(' ').append(value).append('\n');
    }

    /** A label value: backslash, double quote and line feed escaped, as the exposition format asks. */
    private static void escape(StringBuilder sb, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '"') {
                sb.append('\\').append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else {
                sb.append(c);
            }
        }
    }
}
