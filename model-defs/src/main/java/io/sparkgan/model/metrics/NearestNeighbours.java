package io.sparkgan.model.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The k-nearest-neighbour balls that precision/recall and density/coverage estimate manifolds with: each vector's
 * radius is the distance to its k-th nearest other vector of the same set. Squared Euclidean distances throughout.
 *
 * <p>Distances are computed a block of rows at a time as |a|^2 + |b|^2 - 2 a.b, the product being one matrix
 * multiply (double precision): for sets of thousands of 128-wide vectors that is two orders of magnitude faster
 * than pairwise loops, and the block keeps memory at {@value #BLOCK} rows times the other set's size.
 */
final class NearestNeighbours {

    private static final int BLOCK = 512;

    /** Receives the squared distances from rows {@code first ..} of one set to every row of the other. */
    interface BlockVisitor {
        void visit(int first, double[][] squaredDistances);
    }

    private NearestNeighbours() {
    }

    /** Squared radius of each vector's ball: the k-th smallest squared distance to another vector of the set. */
    static double[] radii(double[][] set, int k) {
        if (set.length <= k) {
            throw new IllegalArgumentException("k-NN radii need more than k = " + k + " vectors, got " + set.length);
        }
        double[] radii = new double[set.length];
        forEachBlock(set, set, (first, distances) -> {
            for (int r = 0; r < distances.length; r++) {
                distances[r][first + r] = Double.POSITIVE_INFINITY;   // not its own neighbour
                radii[first + r] = kthSmallest(distances[r], k);
            }
        });
        return radii;
    }

    /** For each query, how many of the balls (centres, squared radii) contain it. */
    static int[] ballsContaining(double[][] queries, double[][] centres, double[] radii) {
        int[] counts = new int[queries.length];
        forEachBlock(queries, centres, (first, distances) -> {
            for (int r = 0; r < distances.length; r++) {
                for (int c = 0; c < radii.length; c++) {
                    if (distances[r][c] <= radii[c]) {
                        counts[first + r]++;
                    }
                }
            }
        });
        return counts;
    }

    /** Squared distances between every row of {@code rows} and every row of {@code columns}, block by block. */
    static void forEachBlock(double[][] rows, double[][] columns, BlockVisitor visitor) {
        INDArray other = Nd4j.create(columns);
        INDArray otherNorms = other.mul(other).sum(1);
        for (int first = 0; first < rows.length; first += BLOCK) {
            int end = Math.min(rows.length, first + BLOCK);
            double[][] part = new double[end - first][];
            System.arraycopy(rows, first, part, 0, part.length);
            INDArray block = Nd4j.create(part);
            INDArray distances = block.mmul(other.transpose()).muli(-2)
                    .addiColumnVector(block.mul(block).sum(1).reshape(part.length, 1))
                    .addiRowVector(otherNorms.reshape(1, columns.length));
            double[][] values = distances.toDoubleMatrix();
            for (double[] row : values) {
                for (int c = 0; c < row.length; c++) {
                    row[c] = Math.max(0, row[c]);   // rounding can leave a tiny negative for identical vectors
                }
            }
            visitor.visit(first, values);
        }
    }

    /** The k-th smallest value (k >= 1), keeping the k smallest seen in a sorted window. */
    private static double kthSmallest(double[] values, int k) {
        double[] smallest = new double[k];
        java.util.Arrays.fill(smallest, Double.POSITIVE_INFINITY);
        for (double v : values) {
            if (v < smallest[k - 1]) {
                int i = k - 1;
                while (i > 0 && smallest[i - 1] > v) {
                    smallest[i] = smallest[i - 1];
                    i--;
                }
                smallest[i] = v;
            }
        }
        return smallest[k - 1];
    }
}
