package dev.selfconnect.testsupport;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllPairsTest {

    /** Every value of every dimension within range, and every pair of values of every two dimensions in some row. */
    private static void assertEveryPairCovered(int[] sizes, List<int[]> rows) {
        for (int[] row : rows) {
            assertEquals(sizes.length, row.length);
            for (int d = 0; d < sizes.length; d++) {
                assertTrue(row[d] >= 0 && row[d] < sizes[d], "dimension " + d + " value " + row[d]);
            }
        }
        for (int a = 0; a < sizes.length; a++) {
            for (int b = a + 1; b < sizes.length; b++) {
                for (int x = 0; x < sizes[a]; x++) {
                    for (int y = 0; y < sizes[b]; y++) {
                        int ax = a, bx = b, xv = x, yv = y;
                        assertTrue(rows.stream().anyMatch(r -> r[ax] == xv && r[bx] == yv),
                                "pair (" + a + "=" + x + ", " + b + "=" + y + ") missing");
                    }
                }
            }
        }
    }

    @Test
    void coversEveryPairOfTheAgentsMatrixInFewRows() {
        int[] sizes = {5, 3, 2, 2, 3, 2}; // JDK, mode, risks, stack-traces, ignore, audit.file
        List<int[]> rows = AllPairs.of(sizes);
        assertEveryPairCovered(sizes, rows);
        // at least 5 x 3 rows are needed for the two largest dimensions; the full product is 360
        assertTrue(rows.size() >= 15 && rows.size() <= 20, rows.size() + " rows");
    }

    @Test
    void coversEveryPairOfUnevenDimensions() {
        int[] sizes = {4, 1, 3, 5, 2, 2, 2, 3};
        List<int[]> rows = AllPairs.of(sizes);
        assertEveryPairCovered(sizes, rows);
        assertTrue(rows.size() < 4 * 5 * 2, rows.size() + " rows");
    }

    @Test
    void twoDimensionsGiveTheirFullProduct() {
        List<int[]> rows = AllPairs.of(3, 2);
        assertEquals(6, rows.size());
        assertEveryPairCovered(new int[] {3, 2}, rows);
    }

    @Test
    void oneDimensionGivesEachValueOnce() {
        List<int[]> rows = AllPairs.of(4);
        assertEquals(4, rows.size());
    }

    @Test
    void theSameDimensionsGiveTheSameRows() {
        List<int[]> first = AllPairs.of(5, 3, 2, 2, 3, 2);
        List<int[]> second = AllPairs.of(5, 3, 2, 2, 3, 2);
        assertEquals(first.size(), second.size());
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i), second.get(i));
        }
    }

    @Test
    void requiredRowsComeFirstAndCountAsCovered() {
        int[] sizes = {5, 3, 2, 2, 3, 2};
        List<int[]> required = List.of(new int[] {0, 0, 0, 0, 0, 0}, new int[] {1, 1, 0, 0, 0, 0},
                new int[] {2, 2, 1, 1, 0, 1});
        List<int[]> rows = AllPairs.of(required, sizes);
        for (int i = 0; i < required.size(); i++) {
            assertArrayEquals(required.get(i), rows.get(i));
        }
        assertEveryPairCovered(sizes, rows);
        assertTrue(rows.size() <= AllPairs.of(sizes).size() + required.size(), rows.size() + " rows");
    }

    @Test
    void aRequiredRowOutOfRangeIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> AllPairs.of(List.of(new int[] {0, 2}), 2, 2));
        assertThrows(IllegalArgumentException.class, () -> AllPairs.of(List.of(new int[] {0}), 2, 2));
    }

    @Test
    void aDimensionWithoutValuesIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> AllPairs.of(2, 0, 3));
    }
}
