package dev.selfconnect.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UntrustedTest {

    @Test
    void controlCharactersAreShownAsEscapes() {
        assertEquals("a\\x1b[2Jb\\x07c\\x7fd\\x9be\\x0af\\x00",
                Untrusted.line("a\u001b[2Jb\u0007c\u007fd\u009be\nf\u0000", Untrusted.CELL));
    }

    @Test
    void aBackslashIsDoubledSoThatNoEscapeCanBeForged() {
        assertEquals("\\\\x1b", Untrusted.line("\\x1b", Untrusted.CELL));
    }

    @Test
    void charactersThatReorderTheLineAreEscaped() {
        assertEquals("gpj.\\u202eexe", Untrusted.line("gpj.\u202eexe", Untrusted.CELL));
        assertEquals("\\u2066x\\u2069", Untrusted.line("\u2066x\u2069", Untrusted.CELL));
    }

    @Test
    void printableTextIsLeftAsItIs() {
        assertEquals("com.example.Main über 日本 /opt/app-1.2.jar", Untrusted.line("com.example.Main über 日本 "
                + "/opt/app-1.2.jar", Untrusted.CELL));
    }

    @Test
    void aLineIsCutAtItsBound() {
        String shown = Untrusted.line("x".repeat(500), 10);
        assertEquals("xxxxxxxxxx... (490 more characters)", shown);
    }

    @Test
    void severalLinesKeepTheirBreaksButNotTheirCarriageReturnsAndAreCounted() {
        assertEquals("one\ntwo\\x0d3", Untrusted.lines("one\r\ntwo\r3", Untrusted.LINE));
        String many = Untrusted.lines("l\n".repeat(100), Untrusted.LINE);
        assertEquals(Untrusted.LINES + 1, many.split("\n").length);
        assertTrue(many.endsWith("... (" + (101 - Untrusted.LINES) + " more lines)"), many);
    }
}
