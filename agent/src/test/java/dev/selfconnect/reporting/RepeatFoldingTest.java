package dev.selfconnect.reporting;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepeatFoldingTest {

    private static final long T0 = 1_000_000L;

    @Test
    void theFirstRecordIsFullRepeatsWithinTheIntervalAreFoldedAndCountedInTheNextFullOne() {
        RepeatFolding folding = new RepeatFolding(60);

        assertEquals("", folding.next("127.0.0.1:40000 Socket", T0));
        assertNull(folding.next("127.0.0.1:40000 Socket", T0 + 1_000));
        assertNull(folding.next("127.0.0.1:40000 Socket", T0 + 59_999));
        String next = folding.next("127.0.0.1:40000 Socket", T0 + 60_000);

        assertTrue(next.startsWith("; 2 more since "), next);
        assertNull(folding.next("127.0.0.1:40000 Socket", T0 + 60_001), "a new interval starts with that record");
    }

    @Test
    void eachEndpointHasItsOwnInterval() {
        RepeatFolding folding = new RepeatFolding(60);

        assertEquals("", folding.next("127.0.0.1:40000 Socket", T0));
        assertEquals("", folding.next("127.0.0.1:40001 Socket", T0 + 1));
        assertEquals("", folding.next("127.0.0.1:40000 SocketChannel", T0 + 2));
    }

    @Test
    void intervalZeroReportsEveryRecord() {
        RepeatFolding folding = new RepeatFolding(0);

        assertEquals("", folding.next("e", T0));
        assertEquals("", folding.next("e", T0));
    }

    @Test
    void aQuietEndpointStartsAfreshWithoutANote() {
        RepeatFolding folding = new RepeatFolding(10);

        assertEquals("", folding.next("e", T0));
        assertEquals("", folding.next("e", T0 + 10_000), "no repeat was folded: nothing to say");
    }
}
