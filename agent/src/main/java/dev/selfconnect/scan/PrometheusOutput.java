package dev.selfconnect.scan;

import dev.selfconnect.vocabulary.EventKind;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

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
        help(sb, "selfconnect_scan_findings", "Findings of the last scan by network namespace and kind:"
                + " self-connection (live), risk-listen (listener on an unreserved ephemeral port), risk-connect"
                + " (a client of one on this host).");
        for (NamespaceScan namespace : result.namespaces) {
            for (EventKind kind : EventKind.values()) {
                sample(sb, "selfconnect_scan_findings", namespace.count(kind), "namespace", namespace.name, "kind",
                        kind.label());
            }
        }
        help(sb, "selfconnect_scan_finding", "One series per finding of the last scan (value 1); pid is ? when the"
                + " scanning user cannot see the owner.");
        for (NamespaceScan namespace : result.namespaces) {
            for (Finding finding : namespace.findings) {
                String remote = Messages.remote(finding);
                sample(sb, "selfconnect_scan_finding", 1, "namespace", namespace.name, "kind", finding.kind.label(),
                        "local", Messages.local(finding), "remote", remote == null ? "" : remote,
                        "pid", finding.owner(), "command", finding.commandName == null ? "?" : finding.commandName);
            }
        }
        help(sb, "selfconnect_scan_unowned_findings", "Findings whose socket no process visible to the scanning user"
                + " holds.");
        for (NamespaceScan namespace : result.namespaces) {
            sample(sb, "selfconnect_scan_unowned_findings", namespace.unowned(), "namespace", namespace.name);
        }
        help(sb, "selfconnect_scan_sockets", "TCP sockets read in the namespace.");
        for (NamespaceScan namespace : result.namespaces) {
            sample(sb, "selfconnect_scan_sockets", namespace.sockets, "namespace", namespace.name);
        }
        help(sb, "selfconnect_scan_range_known", "1 when the namespace's ephemeral port range could be read, so that"
                + " its listeners were checked.");
        for (NamespaceScan namespace : result.namespaces) {
            sample(sb, "selfconnect_scan_range_known", namespace.ports == null ? 0 : 1, "namespace", namespace.name);
        }
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
