package dev.selfconnect.testsupport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rows of values that together hold every pair of values of every two dimensions at least once (pairwise testing):
 * far fewer rows than the full product. Greedy and deterministic: the same dimensions give the same rows, in the same
 * order. Each new row is the best of the candidates seeded by each pair not yet covered, in each of which every other
 * dimension takes the value that covers the most pairs not yet covered with the values already chosen (the first such
 * value on a tie).
 */
public final class AllPairs {

    private AllPairs() {
    }

    /**
     * @param sizes how many values each dimension has (each at least one)
     * @return the rows, each an index into every dimension's values
     */
    public static List<int[]> of(int... sizes) {
        return of(new ArrayList<int[]>(), sizes);
    }

    /**
     * @param required rows that must be there (combinations worth more than their pairs), first and as given; the
     *                 pairs they hold count as covered
     * @param sizes    how many values each dimension has (each at least one)
     * @return the required rows, then the rows that cover the pairs still missing
     */
    public static List<int[]> of(List<int[]> required, int... sizes) {
        int dimensions = sizes.length;
        for (int size : sizes) {
            if (size < 1) {
                throw new IllegalArgumentException("a dimension without values: " + Arrays.toString(sizes));
            }
        }
        boolean[][][][] covered = new boolean[dimensions][dimensions][][];
        int uncovered = 0;
        for (int a = 0; a < dimensions; a++) {
            for (int b = a + 1; b < dimensions; b++) {
                covered[a][b] = new boolean[sizes[a]][sizes[b]];
                uncovered += sizes[a] * sizes[b];
            }
        }
        List<int[]> rows = new ArrayList<>();
        for (int[] row : required) {
            if (row.length != dimensions) {
                throw new IllegalArgumentException("a required row of " + row.length + " values for " + dimensions
                        + " dimensions: " + Arrays.toString(row));
            }
            for (int d = 0; d < dimensions; d++) {
                if (row[d] < 0 || row[d] >= sizes[d]) {
                    throw new IllegalArgumentException("value " + row[d] + " of dimension " + d + " out of range: "
                            + Arrays.toString(row));
                }
            }
            uncovered -= cover(covered, row);
            rows.add(row.clone());
        }
        if (dimensions == 1) {
            for (int value = 0; value < sizes[0]; value++) {
                rows.add(new int[] {value});
            }
            return rows;
        }
        while (uncovered > 0) {
            int[] row = bestRow(sizes, covered);
            uncovered -= cover(covered, row);
            rows.add(row);
        }
        return rows;
    }

    /**
     * Of the rows seeded by each pair not yet covered (and completed greedily), the one that covers the most pairs not
     * yet covered; the first such on a tie.
     */
    private static int[] bestRow(int[] sizes, boolean[][][][] covered) {
        int[] best = null;
        int bestGain = 0;
        for (int a = 0; a < sizes.length; a++) {
            for (int b = a + 1; b < sizes.length; b++) {
                for (int x = 0; x < sizes[a]; x++) {
                    for (int y = 0; y < sizes[b]; y++) {
                        if (covered[a][b][x][y]) {
                            continue;
                        }
                        int[] row = new int[sizes.length];
                        Arrays.fill(row, -1);
                        row[a] = x;
                        row[b] = y;
                        for (int dimension = 0; dimension < sizes.length; dimension++) {
                            if (row[dimension] < 0) {
                                row[dimension] = bestValue(sizes, covered, row, dimension);
                            }
                        }
                        int gain = newPairs(covered, row);
                        if (gain > bestGain) {
                            best = row;
                            bestGain = gain;
                        }
                    }
                }
            }
        }
        return best;
    }

    private static int newPairs(boolean[][][][] covered, int[] row) {
        int count = 0;
        for (int a = 0; a < row.length; a++) {
            for (int b = a + 1; b < row.length; b++) {
                if (!covered[a][b][row[a]][row[b]]) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Marks the row's pairs covered; returns how many were not before. */
    private static int cover(boolean[][][][] covered, int[] row) {
        int newlyCovered = 0;
        for (int a = 0; a < row.length; a++) {
            for (int b = a + 1; b < row.length; b++) {
                if (!covered[a][b][row[a]][row[b]]) {
                    covered[a][b][row[a]][row[b]] = true;
                    newlyCovered++;
                }
            }
        }
        return newlyCovered;
    }

    /** The value of this dimension that covers the most uncovered pairs with the values already in the row. */
    private static int bestValue(int[] sizes, boolean[][][][] covered, int[] row, int dimension) {
        int best = 0;
        int bestGain = -1;
        for (int value = 0; value < sizes[dimension]; value++) {
            int gain = 0;
            for (int other = 0; other < sizes.length; other++) {
                if (other == dimension || row[other] < 0) {
                    continue;
                }
                boolean pairCovered = other < dimension ? covered[other][dimension][row[other]][value]
                        : covered[dimension][other][value][row[other]];
                if (!pairCovered) {
                    gain++;
                }
            }
            if (gain > bestGain) {
                best = value;
                bestGain = gain;
            }
        }
        return best;
    }
}
