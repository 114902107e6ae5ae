package dev.selfconnect.audit;

import dev.selfconnect.vocabulary.Endpoint;
import dev.selfconnect.vocabulary.JsonText;

import java.net.InetAddress;

/**
 * Writes an {@link AuditEvent} as one JSON object on one line: valid JSON whatever its strings contain. It runs on the
 * agent's reporting thread, which alone looks up the process id: on Java 9 and later the first lookup starts the JDK's
 * process-handle machinery, which the thread that connected must not wait for.
 */
final class Json {

    private Json() {
    }

    static String line(AuditEvent event) {
        StringBuilder sb = new StringBuilder(512);
        sb.append('{');
        field(sb, "time", JsonText.isoTime(event.timeMillis)).append(',');
        field(sb, "kind", event.kind.label()).append(',');
        endpoint(sb, "local", event.localAddress, event.localPort).append(',');
        endpoint(sb, "remote", event.remoteAddress, event.remotePort).append(',');
        field(sb, "api", event.api).append(',');
        field(sb, "thread", event.thread).append(',');
        sb.append("\"pid\":").append(Pid.current()).append(',');
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
