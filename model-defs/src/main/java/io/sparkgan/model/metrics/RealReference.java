package io.sparkgan.model.metrics;

/**
 * What generated samples are compared against, computed once per real dataset (and cached with it): the Gaussian
 * fit of the evaluator features of every real image (for FID), a random subset of the feature vectors themselves
 * (for KID and the k-NN metrics, whose cost grows with the square of the set size), and the real class frequencies
 * (for mode coverage; {@code null} for an unlabelled dataset).
 */
public record RealReference(FeatureStatistics statistics, double[][] features, double[] classFrequencies) {

    public RealReference {
        if (features.length == 0 || features[0].length != statistics.dimension()) {
            throw new IllegalArgumentException("reference features must be non-empty and " + statistics.dimension()
                    + " wide");
        }
    }

    public boolean hasClasses() {
        return classFrequencies != null;
    }
}
