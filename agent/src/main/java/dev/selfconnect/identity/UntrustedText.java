package dev.selfconnect.identity;

import dev.selfconnect.vocabulary.PlainText;

/**
 * Text from outside the agent (environment variables, files another user may write) made safe to print on one line
 * and bounded in length. JSON output escapes it again; this is for the plain-text lines (status, summary, scan).
 */
public final class UntrustedText {

    /** The longest identity value kept; OpenTelemetry sets no limit, log lines and Prometheus labels need one. */
    public static final int MAX_LENGTH = 128;
    static final char REPLACEMENT = '?';
    private static final String CUT = "...";

    private UntrustedText() {
    }

    /**
     * The value with every control character, line or paragraph separator, bidirectional override and lone surrogate
     * replaced by '?', surrounding blanks removed, cut to {@link #MAX_LENGTH} characters; null when nothing is left.
     */
    public static String bounded(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        if (trimmed.isEmpty()) {
            return null;
        }
        int end = Math.min(trimmed.length(), MAX_LENGTH);
        StringBuilder sb = new StringBuilder(end + CUT.length());
        for (int i = 0; i < end; i++) {
            char c = trimmed.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < trimmed.length()
                    && Character.isLowSurrogate(trimmed.charAt(i + 1))) {
                if (i + 1 >= end) {
                    break; // a pair is never cut in half
                }
                sb.append(c).append(trimmed.charAt(++i));
            } else {
                sb.append(unsafe(c) ? REPLACEMENT : c);
            }
        }
        if (trimmed.length() > MAX_LENGTH) {
            sb.setLength(Math.min(sb.length(), MAX_LENGTH - CUT.length()));
            sb.append(CUT);
        }
        return sb.toString();
    }

    private static boolean unsafe(char c) {
        return PlainText.isControl(c) || Character.isSurrogate(c);
    }

    /**
     * The value as a {@code key=value} line shows it: bare when it holds only letters, digits and {@code ._-:/@+},
     * otherwise in double quotes with quotes and backslashes escaped, so that a value holding a blank or an '='
     * cannot pass for another field.
     */
    public static String quotedIfNeeded(String value) {
        boolean plain = !value.isEmpty();
        for (int i = 0; i < value.length() && plain; i++) {
            plain = plainChar(value.charAt(i));
        }
        if (plain) {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    static boolean plainChar(char c) {
        return c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-' || c == ':' || c == '/'
                || c == '@' || c == '+');
    }
}
