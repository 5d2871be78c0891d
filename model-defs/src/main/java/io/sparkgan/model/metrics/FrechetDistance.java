package io.sparkgan.model.metrics;

import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Fréchet distance between Gaussian fits of two feature sets (FID when the features come from the evaluator):
 * |mu_a - mu_b|^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^(1/2)).
 *
 * <p>The trace of the square root is taken without forming the square root of the non-symmetric product S_a S_b:
 * that product is similar to the symmetric positive semi-definite S_a^(1/2) S_b S_a^(1/2), so both have the same
 * eigenvalues and tr((S_a S_b)^(1/2)) is the sum of their square roots. Two symmetric eigendecompositions, no
 * complex arithmetic, and rounding that pushes an eigenvalue below zero is clamped instead of producing the
 * imaginary parts general-purpose {@code sqrtm} implementations have to discard.
 */
public final class FrechetDistance {

    private FrechetDistance() {}

    public static double between(FeatureStatistics a, FeatureStatistics b) {
        if (a.dimension() != b.dimension()) {
            throw new IllegalArgumentException("feature dimensions differ: " + a.dimension() + " vs " + b.dimension());
        }
        if (a.count() < 2 || b.count() < 2) {
            throw new IllegalArgumentException(
                    "FID needs at least 2 feature vectors in each set, got " + a.count() + " and " + b.count());
        }
        double meanTerm = 0;
        for (int i = 0; i < a.dimension(); i++) {
            double diff = a.mean()[i] - b.mean()[i];
            meanTerm += diff * diff;
        }
        RealMatrix sa = MatrixUtils.createRealMatrix(a.covariance());
        RealMatrix sb = MatrixUtils.createRealMatrix(b.covariance());
        return meanTerm + sa.getTrace() + sb.getTrace() - 2 * traceOfSqrtProduct(sa, sb);
    }

    /** tr((S_a S_b)^(1/2)) for symmetric positive semi-definite S_a, S_b. */
    static double traceOfSqrtProduct(RealMatrix sa, RealMatrix sb) {
        RealMatrix root = MatrixUtils.createRealMatrix(symmetricSqrt(sa.getData()));
        double trace = 0;
        for (double eigenvalue : symmetricEigenvalues(root.multiply(sb).multiply(root))) {
            trace += Math.sqrt(Math.max(eigenvalue, 0));
        }
        return trace;
    }

    /** The symmetric positive semi-definite square root of a symmetric positive semi-definite matrix. */
    public static double[][] symmetricSqrt(double[][] matrix) {
        EigenDecomposition eigen = new EigenDecomposition(symmetrised(MatrixUtils.createRealMatrix(matrix)));
        double[] roots = eigen.getRealEigenvalues().clone();
        for (int i = 0; i < roots.length; i++) {
            roots[i] = Math.sqrt(Math.max(roots[i], 0));
        }
        RealMatrix v = eigen.getV();
        return v.multiply(MatrixUtils.createRealDiagonalMatrix(roots))
                .multiply(v.transpose())
                .getData();
    }

    private static double[] symmetricEigenvalues(RealMatrix m) {
        return new EigenDecomposition(symmetrised(m)).getRealEigenvalues();
    }

    /** (M + M^T) / 2: removes the rounding asymmetry of products so that the symmetric solver applies. */
    private static RealMatrix symmetrised(RealMatrix m) {
        return m.add(m.transpose()).scalarMultiply(0.5);
    }
}
