package io.sparkgan.model.metrics;

import java.util.Arrays;

/**
 * What the evaluator makes of a set of images, computed once and then shared by every metric: one feature vector
 * per image and, when the evaluator is a classifier, the class it predicts for each ({@code null} otherwise).
 */
public record FeatureSet(double[][] features, int[] classes) {

    public FeatureSet {
        if (classes != null && classes.length != features.length) {
            throw new IllegalArgumentException(features.length + " feature vectors but " + classes.length + " classes");
        }
    }

    public int size() {
        return features.length;
    }

    public boolean hasClasses() {
        return classes != null;
    }

    /** The first {@code n} images (all when there are fewer). */
    public FeatureSet first(int n) {
        int size = Math.min(n, size());
        return new FeatureSet(Arrays.copyOf(features, size), classes == null ? null : Arrays.copyOf(classes, size));
    }
}
