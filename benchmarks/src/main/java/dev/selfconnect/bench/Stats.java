package dev.selfconnect.bench;

import java.util.Arrays;
import java.util.Collection;

/** Order statistics of a sample: the suite reports medians and spreads, never means (a noisy machine has outliers). */
public final class Stats {

    private final double[] sorted;

    public Stats(Collection<? extends Number> values) {
        sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    }

    public Stats(double... values) {
        sorted = values.clone();
        Arrays.sort(sorted);
    }

    public int count() {
        return sorted.length;
    }

    /** The p-th percentile (0..100), interpolated between the two nearest values; NaN for an empty sample. */
    public double percentile(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double rank = p / 100 * (sorted.length - 1);
        int low = (int) Math.floor(rank);
        int high = Math.min(low + 1, sorted.length - 1);
        return sorted[low] + (rank - low) * (sorted[high] - sorted[low]);
    }

    public double median() {
        return percentile(50);
    }

    public double p10() {
        return percentile(10);
    }

    public double p90() {
        return percentile(90);
    }

    public double min() {
        return sorted.length == 0 ? Double.NaN : sorted[0];
    }

    public double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }
}
