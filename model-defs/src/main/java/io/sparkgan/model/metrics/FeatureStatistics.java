package io.sparkgan.model.metrics;

/**
 * Mean and covariance of a feature set: the statistics FID compares, computed once per set (for a dataset, once
 * and cached with it). Covariance is the unbiased estimate (divides by n - 1), as numpy's {@code cov}.
 *
 * @param mean       feature means, length d
 * @param covariance d x d
 * @param count      number of feature vectors
 */
public record FeatureStatistics(double[] mean, double[][] covariance, long count) {

    public static FeatureStatistics of(double[][] features) {
        int n = features.length;
        if (n < 2) {
            throw new IllegalArgumentException("statistics need at least 2 feature vectors, got " + n);
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
                covariance[i][j] /= n - 1;
                covariance[j][i] = covariance[i][j];
            }
        }
        return new FeatureStatistics(mean, covariance, n);
    }

    public int dimension() {
        return mean.length;
    }
}
