package dev.selfconnect.audit;

import dev.selfconnect.identity.ProcessIdentity;
import dev.selfconnect.vocabulary.Endpoint;
import dev.selfconnect.vocabulary.JsonText;

import java.net.InetAddress;

/**
 * Writes an {@link AuditEvent} as one JSON object on one line: valid JSON whatever its strings contain. It runs on the
 * agent's reporting thread, which may be the first to need the process's identity and then resolves it: the thread
 * that connected never waits for that. The identity's members carry OpenTelemetry's semantic-convention names
 * ({@code service.name}, {@code host.name}, {@code process.pid}, ...), flat, so that a collector maps them as they are.
 */
final class Json {

    private Json() {
    }

    static String line(AuditEvent event, ProcessIdentity identity) {
        StringBuilder sb = new StringBuilder(512);
        sb.append('{');
        field(sb, "time", JsonText.isoTime(event.timeMillis)).append(',');
        field(sb, "kind", event.kind.label()).append(',');
        endpoint(sb, "local", event.localAddress, event.localPort).append(',');
        endpoint(sb, "remote", event.remoteAddress, event.remotePort).append(',');
        field(sb, "api", event.api).append(',');
        field(sb, "thread", event.thread).append(',');
        identity.appendJsonMembers(sb);
        field(sb, "message", event.message).append(',');
        field(sb, "fix", event.fix).append(',');
        sb.append("\"frames\":[");
        for (int i = 0; i < event.frames.length; i++) {
            JsonText.string(sb.append(i == 0 ? "" : ","), event.frames[i]);
        }
        sb.append("]}");
        return sb.toString();
    }

    private static StringBuilder endpoint(StringBuilder sb, String name, InetAddress address, int port) {
        sb.append('"').append(name).append("\":");
        if (address == null) {
            return sb.append("null");
        }
        String text = Endpoint.address(address);
        sb.append('{');
        field(sb, "address", text).append(',');
        String host = Endpoint.hostName(address);
        field(sb, "host", host == null || host.equals(address.getHostAddress()) ? null : host).append(',');
        return sb.append("\"port\":").append(port).append('}');
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        sb.append('"').append(name).append("\":");
        return value == null ? sb.append("null") : JsonText.string(sb, value);
    }

}
