package dev.selfconnect.vocabulary;

/**
 * Text that came from outside the agent (a setting, the environment, a path, a name) made fit to be written into a
 * line of output: never a terminal control, never a line of its own. C0 controls, DEL and C1 controls (ESC and the
 * CSI that start terminal sequences among them), the Unicode line and paragraph separators and the bidirectional
 * overrides are written as {@code \n}, {@code \t}, {@code \r} or {@code \}{@code uXXXX}; a backslash is doubled so
 * that an escape cannot be forged by the text itself.
 */
public final class PlainText {

    /** A value is shown up to this many characters, then how many more it had. */
    public static final int MAX_VALUE_CHARS = 400;

    private static final char DEL = 0x7f;
    private static final char LAST_C1 = 0x9f;

    private PlainText() {
    }

    /** A value, escaped and cut at {@link #MAX_VALUE_CHARS}; "null" for null. */
    public static String value(String text) {
        return value(text, MAX_VALUE_CHARS);
    }

    /** A value, escaped and cut at {@code maxChars} characters of escaped text. */
    public static String value(String text, int maxChars) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars) + 16);
        int i = 0;
        for (; i < text.length() && out.length() < maxChars; i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else {
                escape(out, c);
            }
        }
        if (i < text.length()) {
            out.append("...(").append(text.length() - i).append(" more characters)");
        }
        return out.toString();
    }

    /**
     * A whole line the agent writes, a last guard behind {@link #value}: every control character is escaped, except a
     * tab and a line break followed by a tab, which is how the agent's own records continue on the next line (the
     * frames of a stack). No line can begin without the agent's prefix or a tab.
     */
    public static String line(String line) {
        int first = 0;
        while (first < line.length() && !needsEscape(line, first)) {
            first++;
        }
        if (first == line.length()) {
            return line;
        }
        StringBuilder out = new StringBuilder(line.length() + 16).append(line, 0, first);
        for (int i = first; i < line.length(); i++) {
            if (needsEscape(line, i)) {
                escape(out, line.charAt(i));
            } else {
                out.append(line.charAt(i));
            }
        }
        return out.toString();
    }

    /** Whether the character at this index of a line must be escaped ({@link #line}). */
    private static boolean needsEscape(String line, int index) {
        char c = line.charAt(index);
        if (c == '\t') {
            return false;
        }
        if (c == '\n') {
            return index + 1 >= line.length() || line.charAt(index + 1) != '\t';
        }
        if (c == '\r') {
            return index + 2 >= line.length() || line.charAt(index + 1) != '\n' || line.charAt(index + 2) != '\t';
        }
        return isControl(c);
    }

    /**
     * Whether a character may steer a terminal or a reader rather than show: C0, DEL, C1, the line and paragraph
     * separators, and the format characters (the bidirectional marks, embeddings, overrides and isolates, zero-width
     * characters among them). The one rule for text from outside, wherever the agent or its tools print it.
     */
    public static boolean isControl(char c) {
        if (c < DEL) {
            return c < ' ';
        }
        if (c <= LAST_C1) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR || type == Character.FORMAT;
    }

    private static void escape(StringBuilder out, char c) {
        switch (c) {
            case '\n':
                out.append("\\n");
                return;
            case '\r':
                out.append("\\r");
                return;
            case '\t':
                out.append("\\t");
                return;
            default:
                if (!isControl(c)) {
                    out.append(c);
                    return;
                }
                String hex = Integer.toHexString(c);
                out.append("\\u");
                for (int pad = hex.length(); pad < 4; pad++) {
                    out.append('0');
                }
                out.append(hex);
        }
    }
}
