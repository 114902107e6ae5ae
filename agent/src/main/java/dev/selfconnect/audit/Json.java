package dev.selfconnect.audit;

import dev.selfconnect.vocabulary.Endpoint;

import java.net.InetAddress;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.Locale;
import java.util.TimeZone;

/** Writes an {@link AuditEvent} as one JSON object on one line: valid JSON whatever its strings contain. */
final class Json {

    private Json() {
    }

    static String line(AuditEvent event) {
        StringBuilder sb = new StringBuilder(512);
        sb.append('{');
        field(sb, "time", isoTime(event.timeMillis)).append(',');
        field(sb, "kind", event.kind.label()).append(',');
        endpoint(sb, "local", event.localAddress, event.localPort).append(',');
        endpoint(sb, "remote", event.remoteAddress, event.remotePort).append(',');
        field(sb, "api", event.api).append(',');
        field(sb, "thread", event.thread).append(',');
        sb.append("\"pid\":").append(event.pid).append(',');
        field(sb, "message", event.message).append(',');
        field(sb, "fix", event.fix).append(',');
        sb.append("\"frames\":[");
        for (int i = 0; i < event.frames.length; i++) {
            string(sb.append(i == 0 ? "" : ","), event.frames[i]);
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
        return value == null ? sb.append("null") : string(sb, value);
    }

    /**
     * A JSON string: quotes, backslashes and control characters are escaped, and so is every UTF-16 code unit that
     * is not part of a well-formed pair (a lone surrogate in a thread name), so that the UTF-8 written is valid.
     * U+2028 and U+2029 are escaped too, for consumers that embed the line in JavaScript.
     */
    static StringBuilder string(StringBuilder sb, String value) {
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        unicode(sb, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        sb.append(c).append(value.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        unicode(sb, c);
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"');
    }

    private static void unicode(StringBuilder sb, char c) {
        sb.append("\\u");
        String hex = Integer.toHexString(c);
        for (int pad = hex.length(); pad < 4; pad++) {
            sb.append('0');
        }
        sb.append(hex);
    }

    /** "2026-11-25T14:03:07.123Z", in UTC. */
    static String isoTime(long millis) {
        SimpleDateFormat format = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT);
        format.setTimeZone(TimeZone.getTimeZone("UTC"));
        return format.format(new Date(millis));
    }
}
