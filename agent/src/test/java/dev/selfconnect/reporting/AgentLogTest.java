package dev.selfconnect.reporting;

import dev.selfconnect.testing.Stderr;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentLogTest {

    @Test
    void internalFailureIsReportedWithItsStackTrace() throws Exception {
        String where = "checking a test connection " + UUID.randomUUID();

        String err = Stderr.capture(() -> AgentLog.internalFailure(where, new IllegalStateException("boom")));

        assertTrue(err.startsWith("[selfconnect] ERROR internal failure " + where
                + " (reported once, counted always; the application goes on): java.lang.IllegalStateException: boom"
                + System.lineSeparator()), err);
        assertTrue(err.contains("\tat " + AgentLogTest.class.getName()), err);
    }

    @Test
    void internalFailureIsReportedOncePerPlace() throws Exception {
        String where = "checking a test connection " + UUID.randomUUID();

        long before = AgentLog.internalFailures();
        String err = Stderr.capture(() -> {
            AgentLog.internalFailure(where, new IllegalStateException("first"));
            AgentLog.internalFailure(where, new IllegalStateException("second"));
            AgentLog.internalFailure(where, new IllegalArgumentException("third"));
        });

        assertEquals(1, occurrences(err, "[selfconnect] ERROR"), err);
        assertEquals(1, occurrences(err, "java.lang.IllegalStateException: first"), err);
        assertFalse(err.contains("second") || err.contains("third"), err);
        assertEquals(3, AgentLog.internalFailures() - before, "each failure is counted");
    }

    @Test
    void internalFailuresAtDifferentPlacesAreEachReported() throws Exception {
        String first = "resetting a test connection " + UUID.randomUUID();
        String second = "resetting another test connection " + UUID.randomUUID();

        String err = Stderr.capture(() -> {
            AgentLog.internalFailure(first, new IllegalStateException("boom"));
            AgentLog.internalFailure(second, new IllegalStateException("boom"));
        });

        assertEquals(2, occurrences(err, "[selfconnect] ERROR"), err);
        assertTrue(err.contains("internal failure " + first + " "), err);
        assertTrue(err.contains("internal failure " + second + " "), err);
    }

    @Test
    void levelsArePrefixedLines() throws Exception {
        String err = Stderr.capture(() -> {
            AgentLog.info("one");
            AgentLog.warn("two");
            AgentLog.error("three");
        });

        String nl = System.lineSeparator();
        assertEquals("[selfconnect] INFO one" + nl + "[selfconnect] WARN two" + nl + "[selfconnect] ERROR three" + nl,
                err);
    }

    @Test
    void noTextStartsALineOfItsOwnOrControlsTheTerminal() throws Exception {
        String err = Stderr.capture(() -> {
            AgentLog.warn("value 'log\n[selfconnect] INFO FORGED' \u001b[2J\u009b");
            AgentLog.tagged("SUMMARY", "x\r\ny");
        });

        String nl = System.lineSeparator();
        assertEquals("[selfconnect] WARN value 'log\\n[selfconnect] INFO FORGED' \\u001b[2J\\u009b" + nl
                + "[selfconnect] SUMMARY x\\r\\ny" + nl, err);
    }

    @Test
    void aClassThatCannotBeLoadedRunsTheCheckOnTheFailingThread() throws Exception {
        Thread[] ranOn = new Thread[1];
        int[] runs = new int[1];
        AgentLog.whenClassesUnreadable(() -> {
            runs[0]++;
            ranOn[0] = Thread.currentThread();
        });
        try {
            Stderr.capture(() -> {
                AgentLog.internalFailure("loading a class " + UUID.randomUUID(), new NoClassDefFoundError("x/Y"));
                AgentLog.internalFailure("a plain failure " + UUID.randomUUID(), new IllegalStateException("boom"));
            });
        } finally {
            AgentLog.whenClassesUnreadable(null);
        }

        assertEquals(1, runs[0], "only a LinkageError runs the check");
        assertEquals(Thread.currentThread(), ranOn[0]);
    }

    static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }
}
