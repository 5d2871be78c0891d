package io.sparkgan.model.metrics;

import java.util.SplittableRandom;

/**
 * Kernel distance between two feature sets (KID when the features come from the evaluator): the unbiased estimate
 * of the squared maximum mean discrepancy with the cubic polynomial kernel k(x, y) = (x.y / d + 1)^3, averaged
 * over random subsets (Bińkowski et al., 2018). Unlike FID it has an unbiased estimator, so small sample counts do
 * not bias it upwards; the subsets give it an error bar.
 */
public final class KernelInceptionDistance {

    /** Mean and standard deviation over subsets. */
    public record Result(double mean, double std, int subsets, int subsetSize) {
    }

    private KernelInceptionDistance() {
    }

    /**
     * KID over {@code subsets} random subsets of {@code subsetSize} vectors from each set (fewer if a set is
     * smaller), drawn without replacement, reproducibly from {@code seed}.
     */
    public static Result between(double[][] real, double[][] generated, int subsets, int subsetSize, long seed) {
        if (subsets < 1 || subsetSize < 2) {
            throw new IllegalArgumentException("need subsets >= 1 and subsetSize >= 2, got " + subsets + ", "
                    + subsetSize);
        }
        int size = Math.min(subsetSize, Math.min(real.length, generated.length));
        SplittableRandom random = new SplittableRandom(seed);
        double[] values = new double[subsets];
        for (int s = 0; s < subsets; s++) {
            values[s] = mmd2Unbiased(sample(real, size, random), sample(generated, size, random));
        }
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= subsets;
        double variance = 0;
        for (double v : values) {
            variance += (v - mean) * (v - mean);
        }
        return new Result(mean, Math.sqrt(variance / subsets), subsets, size);
    }

    /** Unbiased MMD^2 between two sets with the cubic polynomial kernel; the diagonal terms are left out. */
    public static double mmd2Unbiased(double[][] x, double[][] y) {
        int m = x.length;
        int n = y.length;
        int d = x[0].length;
        double xx = 0;
        for (int i = 0; i < m; i++) {
            for (int j = i + 1; j < m; j++) {
                xx += kernel(x[i], x[j], d);
            }
        }
        double yy = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                yy += kernel(y[i], y[j], d);
            }
        }
        double xy = 0;
        for (double[] a : x) {
            for (double[] b : y) {
                xy += kernel(a, b, d);
            }
        }
        return 2 * xx / ((double) m * (m - 1)) + 2 * yy / ((double) n * (n - 1)) - 2 * xy / ((double) m * n);
    }

    private static double kernel(double[] a, double[] b, int d) {
        double dot = 0;
        for (int k = 0; k < d; k++) {
            dot += a[k] * b[k];
        }
        double base = dot / d + 1;
        return base * base * base;
    }

    /** {@code size} distinct rows, by a partial Fisher-Yates shuffle of the indexes. */
    private static double[][] sample(double[][] rows, int size, SplittableRandom random) {
        int[] indexes = new int[rows.length];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = i;
        }
        double[][] out = new double[size][];
        for (int i = 0; i < size; i++) {
            int j = i + random.nextInt(indexes.length - i);
            int swap = indexes[i];
            indexes[i] = indexes[j];
            indexes[j] = swap;
            out[i] = rows[indexes[i]];
        }
        return out;
    }
}
