package dev.selfconnect.vocabulary;

import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.Locale;
import java.util.TimeZone;

/** How the agent's audit file and the scan's JSON Lines write a string and a time, the same way. */
public final class JsonText {

    private JsonText() {
    }

    /**
     * A JSON string: quotes, backslashes and control characters are escaped, and so is every UTF-16 code unit that
     * is not part of a well-formed pair (a lone surrogate in a thread name), so that the UTF-8 written is valid.
     * U+2028 and U+2029 are escaped too, for consumers that embed the line in JavaScript.
     */
    public static StringBuilder string(StringBuilder sb, String value) {
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
    public static String isoTime(long millis) {
        SimpleDateFormat format = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT);
        format.setTimeZone(TimeZone.getTimeZone("UTC"));
        return format.format(new Date(millis));
    }
}
