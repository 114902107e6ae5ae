package dev.selfconnect.scan;

import dev.selfconnect.vocabulary.JsonText;
import dev.selfconnect.vocabulary.Endpoint;
import dev.selfconnect.vocabulary.EventKind;

import java.io.PrintStream;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.Locale;
import java.util.TimeZone;

/**
 * One JSON object per finding and line, with the field names of the agent's audit file ({@code time, kind, local,
 * remote, api, thread, process.pid, message, fix, frames}; what a scan cannot know is null or empty), the owner's
 * identity where known ({@code service.name} for a JVM with the agent, {@code container.id}, {@code k8s.pod.name},
 * {@code k8s.namespace.name}, {@code k8s.pod.uid}) plus {@code command}, {@code namespace}, {@code uid},
 * {@code state}, {@code jvm} and {@code agent}.
 */
final class JsonOutput {

    private JsonOutput() {
    }

    static void write(Scanner.Result result, long timeMillis, PrintStream out) {
        String time = JsonText.isoTime(timeMillis);
        for (NamespaceScan namespace : result.namespaces) {
            for (Finding finding : namespace.findings) {
                out.println(line(namespace, finding, time));
            }
        }
    }

    static String line(NamespaceScan namespace, Finding finding, String time) {
        StringBuilder sb = new StringBuilder(512).append('{');
        field(sb, "time", time).append(',');
        field(sb, "kind", finding.kind.label()).append(',');
        endpoint(sb, "local", finding.socket.localAddress, finding.socket.localPort).append(',');
        if (finding.kind == EventKind.RISK_LISTEN) {
            sb.append("\"remote\":null,");
        } else {
            endpoint(sb, "remote", finding.socket.remoteAddress, finding.socket.remotePort).append(',');
        }
        sb.append("\"api\":null,\"thread\":null,");
        sb.append("\"process.pid\":").append(finding.pid == null ? "null" : finding.pid).append(',');
        OwnerIdentity identity = finding.identity;
        if (identity != null) {
            optional(sb, "service.name", identity.service);
            optional(sb, "container.id", identity.containerId);
            optional(sb, "k8s.pod.name", identity.podName);
            optional(sb, "k8s.namespace.name", identity.podNamespace);
            optional(sb, "k8s.pod.uid", identity.podUid);
        }
        field(sb, "message", Messages.message(namespace, finding)).append(',');
        field(sb, "fix", namespace.ports != null && namespace.ports.atRisk(finding.port()) ? namespace.fix() : null)
                .append(',');
        sb.append("\"frames\":[],");
        field(sb, "command", finding.command).append(',');
        field(sb, "namespace", namespace.name).append(',');
        sb.append("\"uid\":").append(finding.socket.uid).append(',');
        field(sb, "state", TcpSocket.stateName(finding.socket.state)).append(',');
        sb.append("\"jvm\":").append(finding.jvm).append(',');
        sb.append("\"agent\":").append(finding.agentJarOpen);
        return sb.append('}').toString();
    }

    private static StringBuilder endpoint(StringBuilder sb, String name, byte[] address, int port) {
        sb.append('"').append(name).append("\":{");
        field(sb, "address", Endpoint.address(TcpSocket.inet(address))).append(",\"host\":null,");
        return sb.append("\"port\":").append(port).append('}');
    }

    private static void optional(StringBuilder sb, String name, String value) {
        if (value != null) {
            field(sb, name, value).append(',');
        }
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        sb.append('"').append(name).append("\":");
        return value == null ? sb.append("null") : JsonText.string(sb, value);
    }

}
