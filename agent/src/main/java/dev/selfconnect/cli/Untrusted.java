package dev.selfconnect.cli;

/**
 * Text that came from a target JVM, its process or its user (a jar name, a main class, a command line, the agent's
 * reply or status), made safe to print on root's terminal and in a service's log: every control character (C0, DEL,
 * C1, so every ESC sequence loses its ESC) and every character that reorders text on screen is shown as an escape
 * (backslash, x and two hex digits; backslash, u and four for the latter), a backslash doubled, and the length is
 * bounded.
 */
final class Untrusted {

    /** A cell of the listing, a main class, a command line. */
    static final int CELL = 200;
    /** One line of a reply or a status. */
    static final int LINE = 1000;
    /** The lines of a reply or a status. */
    static final int LINES = 40;

    private Untrusted() {
    }

    /** One line: a line break in it is escaped too. */
    static String line(String text, int max) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 16);
        int shown = 0;
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= max) {
                out.append("... (").append(text.length() - shown).append(" more characters)");
                break;
            }
            appendEscaped(out, text.charAt(i));
            shown++;
        }
        return out.toString();
    }

    /** Several lines, each escaped and bounded, at most {@link #LINES} of them. */
    static String lines(String text, int maxLine) {
        if (text == null) {
            return "";
        }
        String[] lines = text.split("\n", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (i == LINES) {
                out.append("\n... (").append(lines.length - LINES).append(" more lines)");
                break;
            }
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            out.append(i == 0 ? "" : "\n").append(line(line, maxLine));
        }
        return out.toString();
    }

    private static void appendEscaped(StringBuilder out, char c) {
        if (c == '\\') {
            out.append("\\\\");
        } else if (c < 0x20 || c >= 0x7f && c <= 0x9f) {
            out.append(String.format("\\x%02x", (int) c));
        } else if (reorders(c) || Character.getType(c) == Character.FORMAT || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
        } else {
            out.append(c);
        }
    }

    /** The bidirectional overrides and isolates, which make a terminal show text in another order than it is. */
    private static boolean reorders(char c) {
        return c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069' || c == '\u200e' || c == '\u200f'
                || c == '\u061c';
    }
}
