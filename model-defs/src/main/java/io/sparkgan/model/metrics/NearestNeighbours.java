package io.sparkgan.model.metrics;

import java.util.Arrays;

/**
 * The k-nearest-neighbour balls that precision/recall and density/coverage estimate manifolds with: each vector's
 * radius is the distance to its k-th nearest other vector of the same set. Squared Euclidean distances throughout.
 */
final class NearestNeighbours {

    private NearestNeighbours() {
    }

    /** Squared radius of each vector's ball: the k-th smallest squared distance to another vector of the set. */
    static double[] radii(double[][] set, int k) {
        if (set.length <= k) {
            throw new IllegalArgumentException("k-NN radii need more than k = " + k + " vectors, got " + set.length);
        }
        double[] radii = new double[set.length];
        double[] distances = new double[set.length - 1];
        for (int i = 0; i < set.length; i++) {
            int n = 0;
            for (int j = 0; j < set.length; j++) {
                if (j != i) {
                    distances[n++] = squaredDistance(set[i], set[j]);
                }
            }
            Arrays.sort(distances);
            radii[i] = distances[k - 1];
        }
        return radii;
    }

    /** For each query, how many of the balls (centres, squared radii) contain it. */
    static int[] ballsContaining(double[][] queries, double[][] centres, double[] radii) {
        int[] counts = new int[queries.length];
        for (int q = 0; q < queries.length; q++) {
            for (int c = 0; c < centres.length; c++) {
                if (squaredDistance(queries[q], centres[c]) <= radii[c]) {
                    counts[q]++;
                }
            }
        }
        return counts;
    }

    static double squaredDistance(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double diff = a[i] - b[i];
            sum += diff * diff;
        }
        return sum;
    }
}
