package io.sparkgan.model.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Kernel distance between two feature sets (KID when the features come from the evaluator): the unbiased estimate
 * of the squared maximum mean discrepancy with the cubic polynomial kernel k(x, y) = (x.y / d + 1)^3, averaged
 * over random subsets (Bińkowski et al., 2018). Unlike FID it has an unbiased estimator, so small sample counts do
 * not bias it upwards; the subsets give it an error bar.
 */
public final class KernelInceptionDistance {

    /** Mean and standard deviation over subsets. */
    public record Result(double mean, double std, int subsets, int subsetSize) {}

    private KernelInceptionDistance() {}

    /**
     * KID over {@code subsets} random subsets of {@code subsetSize} vectors from each set (fewer if a set is
     * smaller), drawn without replacement, reproducibly from {@code seed}.
     */
    public static Result between(double[][] real, double[][] generated, int subsets, int subsetSize, long seed) {
        if (subsets < 1 || subsetSize < 2) {
            throw new IllegalArgumentException(
                    "need subsets >= 1 and subsetSize >= 2, got " + subsets + ", " + subsetSize);
        }
        int size = Math.min(subsetSize, Math.min(real.length, generated.length));
        SplittableRandom random = new SplittableRandom(seed);
        double[] values = new double[subsets];
        for (int s = 0; s < subsets; s++) {
            values[s] = mmd2Unbiased(
                    rows(real, sample(real.length, size, random)),
                    rows(generated, sample(generated.length, size, random)));
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
        return mmd2Unbiased(NearestNeighbours.matrix(x, 0, x.length), NearestNeighbours.matrix(y, 0, y.length));
    }

    private static double mmd2Unbiased(INDArray a, INDArray b) {
        double m = a.rows();
        double n = b.rows();
        double xx = offDiagonalSum(kernel(a, a));
        double yy = offDiagonalSum(kernel(b, b));
        double xy = kernel(a, b).sumNumber().doubleValue();
        return xx / (m * (m - 1)) + yy / (n * (n - 1)) - 2 * xy / (m * n);
    }

    /** k(x, y) = (x.y / d + 1)^3 for every pair of rows, one matrix multiply in double precision. */
    private static INDArray kernel(INDArray a, INDArray b) {
        INDArray base = a.mmul(b.transpose()).divi(a.size(1)).addi(1);
        return base.mul(base).muli(base);
    }

    private static double offDiagonalSum(INDArray square) {
        return square.sumNumber().doubleValue() - Nd4j.diag(square).sumNumber().doubleValue();
    }

    private static INDArray rows(double[][] set, int[] indexes) {
        double[][] picked = new double[indexes.length][];
        for (int i = 0; i < indexes.length; i++) {
            picked[i] = set[indexes[i]];
        }
        return NearestNeighbours.matrix(picked, 0, picked.length);
    }

    /** {@code size} distinct indexes below {@code n}, by a partial Fisher-Yates shuffle. */
    private static int[] sample(int n, int size, SplittableRandom random) {
        int[] indexes = new int[n];
        for (int i = 0; i < n; i++) {
            indexes[i] = i;
        }
        for (int i = 0; i < size; i++) {
            int j = i + random.nextInt(n - i);
            int swap = indexes[i];
            indexes[i] = indexes[j];
            indexes[j] = swap;
        }
        return Arrays.copyOf(indexes, size);
    }
}
