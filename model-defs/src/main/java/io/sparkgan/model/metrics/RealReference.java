package io.sparkgan.model.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What generated samples are compared against, computed once per real dataset (and cached with it): the Gaussian
 * fit of the evaluator features of every real image (for FID), a random subset of the feature vectors themselves
 * (for KID and the k-NN metrics, whose cost grows with the square of the set size), and the real class frequencies
 * (for mode coverage; {@code null} for an unlabelled dataset).
 *
 * <p>The k-NN radii of the first n reference vectors are kept once computed: a training run evaluates every
 * checkpoint with the same sample count, and the real side of the k-NN metrics never changes.
 */
public final class RealReference {

    private final FeatureStatistics statistics;
    private final double[][] features;
    private final double[] classFrequencies;
    private final Map<List<Integer>, double[]> radii = new ConcurrentHashMap<>();

    public RealReference(FeatureStatistics statistics, double[][] features, double[] classFrequencies) {
        if (features.length == 0 || features[0].length != statistics.dimension()) {
            throw new IllegalArgumentException(
                    "reference features must be non-empty and " + statistics.dimension() + " wide");
        }
        this.statistics = statistics;
        this.features = features;
        this.classFrequencies = classFrequencies;
    }

    public FeatureStatistics statistics() {
        return statistics;
    }

    public double[][] features() {
        return features;
    }

    public double[] classFrequencies() {
        return classFrequencies;
    }

    public boolean hasClasses() {
        return classFrequencies != null;
    }

    /** The first {@code n} reference vectors (n at most the subset's size). */
    double[][] first(int n) {
        return Arrays.copyOf(features, n);
    }

    /** Squared distances of the first {@code n} reference vectors to their k-th nearest neighbour among them. */
    double[] radii(int n, int k) {
        return radii.computeIfAbsent(List.of(n, k), key -> NearestNeighbours.radii(first(n), k));
    }
}
