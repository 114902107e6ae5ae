package dev.selfconnect.vocabulary;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlainTextTest {

    @Test
    void aValueKeepsPrintableTextAsItIs() {
        assertEquals("/var/log/app/events.jsonl", PlainText.value("/var/log/app/events.jsonl"));
        assertEquals("größe ✓ 日本", PlainText.value("größe ✓ 日本"));
    }

    @Test
    void aNewlineInAValueCannotStartALineOfItsOwn() {
        assertEquals("log\\nFORGED [selfconnect] WARN", PlainText.value("log\nFORGED [selfconnect] WARN"));
        assertEquals("a\\r\\nb\\tc", PlainText.value("a\r\nb\tc"));
    }

    @Test
    void terminalControlsAreEscapedC0DelAndC1() {
        String escaped = PlainText.value("\u001b[2J\u0007\u0000\u007f\u009b31m\u0085");
        assertEquals("\\u001b[2J\\u0007\\u0000\\u007f\\u009b31m\\u0085", escaped);
        for (char c : escaped.toCharArray()) {
            assertFalse(c < 0x20 || c >= 0x7f && c <= 0x9f, "control character " + (int) c + " in " + escaped);
        }
    }

    @Test
    void lineSeparatorsAndBidirectionalOverridesAreEscaped() {
        assertEquals("a\\u2028b\\u2029c\\u202ed\\u2066e", PlainText.value("a\u2028b\u2029c\u202ed\u2066e"));
    }

    @Test
    void aBackslashIsDoubledSoThatTheTextCannotForgeAnEscape() {
        assertEquals("a\\\\nb", PlainText.value("a\\nb"));
        assertEquals("a\\nb", PlainText.value("a\nb"));
    }

    @Test
    void aLongValueIsCutAndSaysHowMuchMoreItHad() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            text.append('x');
        }
        String shown = PlainText.value(text.toString(), 10);
        assertEquals("xxxxxxxxxx...(990 more characters)", shown);
        assertEquals(PlainText.MAX_VALUE_CHARS + "...(600 more characters)".length(),
                PlainText.value(text.toString()).length());
    }

    @Test
    void anEscapeIsNeverCutInHalfAtTheBound() {
        assertEquals("ab\\u001b...(1 more characters)", PlainText.value("ab\u001bc", 3));
    }

    @Test
    void nullIsShownAsNull() {
        assertEquals("null", PlainText.value(null));
    }

    @Test
    void aLineKeepsTheAgentsOwnContinuationLinesAndEscapesEveryOtherBreak() {
        String record = "[selfconnect] WARN self-connection\n\tat app.Main.main(Main.java:1)\n\tat x.Y.z(Y.java:2)";
        assertSame(record, PlainText.line(record));
        assertEquals("[selfconnect] ERROR invalid value 'log\\nFORGED line'",
                PlainText.line("[selfconnect] ERROR invalid value 'log\nFORGED line'"));
        assertEquals("[selfconnect] INFO x\\u001b[2J\\n", PlainText.line("[selfconnect] INFO x\u001b[2J\n"));
        assertEquals("a\r\n\tat b", PlainText.line("a\r\n\tat b"));
        assertEquals("a\\r\\nb", PlainText.line("a\r\nb"));
    }

    @Test
    void aLineIsNotCutAndKeepsBackslashes() {
        String line = "[selfconnect] INFO C:\\path " + "y".repeat(5000);
        assertSame(line, PlainText.line(line));
        assertTrue(PlainText.line(line).endsWith("y"));
    }

    @Test
    void formatCharactersThatHideOrReorderTextAreControlsToo() {
        // zero-width space, right-to-left mark, Arabic letter mark, byte order mark: invisible, or reordering
        assertEquals("a\\u200bb\\u200fc\\u061cd\\ufeffe", PlainText.value("a\u200bb\u200fc\u061cd\ufeffe"));
        assertTrue(PlainText.isControl('\u2066'));
        assertTrue(!PlainText.isControl('\u00e9') && !PlainText.isControl('~') && !PlainText.isControl('\u00a0'));
    }
}
