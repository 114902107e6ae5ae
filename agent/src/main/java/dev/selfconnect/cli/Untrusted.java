package dev.selfconnect.cli;

import dev.selfconnect.vocabulary.PlainText;

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
    /** The last C1 control: it and those below are shown as two hex digits. */
    private static final char LAST_C1 = 0x9f;

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
        } else if (!PlainText.isControl(c)) {
            out.append(c);
        } else if (c <= LAST_C1) {
            out.append(String.format("\\x%02x", (int) c));
        } else {
            out.append(String.format("\\u%04x", (int) c));
        }
    }
}
