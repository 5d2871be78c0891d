package io.sparkgan.model.metrics;

import java.io.Serializable;

/**
 * Mean and covariance of a feature set: the statistics FID compares, computed once per set (for a dataset, once
 * and cached with it). Covariance is the unbiased estimate (divides by n - 1), as numpy's {@code cov}; a single
 * vector has zero covariance. Statistics of parts of a set {@link #merge} into those of the whole, so a large set
 * is summarised partition by partition.
 *
 * @param mean       feature means, length d
 * @param covariance d x d
 * @param count      number of feature vectors
 */
public record FeatureStatistics(double[] mean, double[][] covariance, long count) implements Serializable {

    public static FeatureStatistics of(double[][] features) {
        int n = features.length;
        if (n < 1) {
            throw new IllegalArgumentException("statistics need at least 1 feature vector, got none");
        }
        int d = features[0].length;
        double[] mean = new double[d];
        for (double[] row : features) {
            if (row.length != d) {
                throw new IllegalArgumentException("feature vectors differ in length: " + row.length + " vs " + d);
            }
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] covariance = new double[d][d];
        double[] centred = new double[d];
        for (double[] row : features) {
            for (int j = 0; j < d; j++) {
                centred[j] = row[j] - mean[j];
            }
            for (int i = 0; i < d; i++) {
                for (int j = i; j < d; j++) {
                    covariance[i][j] += centred[i] * centred[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                covariance[i][j] /= Math.max(1, n - 1);
                covariance[j][i] = covariance[i][j];
            }
        }
        return new FeatureStatistics(mean, covariance, n);
    }

    /**
     * The statistics of the union of two sets from theirs (Chan et al.'s pairwise update): the centred sums of
     * products add, plus a term for the distance between the means. Exact up to rounding, whatever the split.
     */
    public static FeatureStatistics merge(FeatureStatistics a, FeatureStatistics b) {
        if (a.dimension() != b.dimension()) {
            throw new IllegalArgumentException("feature dimensions differ: " + a.dimension() + " vs " + b.dimension());
        }
        int d = a.dimension();
        long n = a.count + b.count;
        double[] delta = new double[d];
        double[] mean = new double[d];
        for (int j = 0; j < d; j++) {
            delta[j] = b.mean[j] - a.mean[j];
            mean[j] = a.mean[j] + delta[j] * b.count / n;
        }
        double shift = (double) a.count * b.count / n;
        double[][] covariance = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double products = a.covariance[i][j] * (a.count - 1)
                        + b.covariance[i][j] * (b.count - 1)
                        + delta[i] * delta[j] * shift;
                covariance[i][j] = products / Math.max(1, n - 1);
            }
        }
        return new FeatureStatistics(mean, covariance, n);
    }

    public int dimension() {
        return mean.length;
    }
}
