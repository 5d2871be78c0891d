package io.sparkgan.model.metrics;

import java.util.Arrays;
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

    /**
     * Receives the squared distances from {@code rows} rows of one set, starting at {@code first}, to every row of
     * the other: row-major, {@code distances[r * columns + c]}.
     */
    interface BlockVisitor {
        void visit(int first, int rows, int columns, double[] distances);
    }

    private NearestNeighbours() {}

    /** Squared radius of each vector's ball: the k-th smallest squared distance to another vector of the set. */
    static double[] radii(double[][] set, int k) {
        if (set.length <= k) {
            throw new IllegalArgumentException("k-NN radii need more than k = " + k + " vectors, got " + set.length);
        }
        double[] radii = new double[set.length];
        forEachBlock(set, set, (first, rows, columns, distances) -> {
            for (int r = 0; r < rows; r++) {
                distances[r * columns + first + r] = Double.POSITIVE_INFINITY; // not its own neighbour
                radii[first + r] = kthSmallest(distances, r * columns, columns, k);
            }
        });
        return radii;
    }

    /**
     * What precision/recall and density/coverage count, from one pass over the distances between a real and a
     * generated set (three passes before: each metric's own): generated vectors inside some real ball, real vectors
     * inside some generated ball, (generated vector, real ball) pairs with the vector inside, real balls holding
     * some generated vector.
     */
    record CrossCounts(int generatedInReal, int realInGenerated, long pairsInRealBalls, int realBallsCovered) {}

    /**
     * {@link CrossCounts} of a real and a generated set with their squared k-NN radii; {@code generatedRadii} null
     * leaves {@code realInGenerated} 0.
     */
    static CrossCounts cross(double[][] real, double[] realRadii, double[][] generated, double[] generatedRadii) {
        boolean[] generatedInReal = new boolean[generated.length];
        int[] realInGenerated = new int[1];
        long[] pairs = new long[1];
        int[] covered = new int[1];
        forEachBlock(real, generated, (first, rows, columns, distances) -> {
            for (int r = 0; r < rows; r++) {
                double radius = realRadii[first + r];
                int inBall = 0;
                boolean inGenerated = false;
                for (int c = 0; c < columns; c++) {
                    double d = distances[r * columns + c];
                    if (d <= radius) {
                        inBall++;
                        generatedInReal[c] = true;
                    }
                    if (generatedRadii != null && d <= generatedRadii[c]) {
                        inGenerated = true;
                    }
                }
                pairs[0] += inBall;
                covered[0] += inBall > 0 ? 1 : 0;
                realInGenerated[0] += inGenerated ? 1 : 0;
            }
        });
        int inside = 0;
        for (boolean in : generatedInReal) {
            inside += in ? 1 : 0;
        }
        return new CrossCounts(inside, realInGenerated[0], pairs[0], covered[0]);
    }

    /**
     * Squared distances between every row of {@code rows} and every row of {@code columns}, block by block: the
     * products in one matrix multiply, the norms added in the same pass that copies them out (each element as
     * -2 a.b + |a|^2 + |b|^2, in that order, as ND4J's element-wise ops added them before: the same bits, one pass
     * over the block instead of five).
     */
    static void forEachBlock(double[][] rows, double[][] columns, BlockVisitor visitor) {
        INDArray other = matrix(columns, 0, columns.length);
        double[] otherNorms = other.mul(other).sum(1).data().asDouble();
        INDArray otherTransposed = other.transpose();
        for (int first = 0; first < rows.length; first += BLOCK) {
            int count = Math.min(BLOCK, rows.length - first);
            INDArray block = matrix(rows, first, count);
            double[] blockNorms = block.mul(block).sum(1).data().asDouble();
            double[] values = block.mmul(otherTransposed).data().asDouble();
            int width = columns.length;
            for (int r = 0; r < count; r++) {
                double rowNorm = blockNorms[r];
                int offset = r * width;
                for (int c = 0; c < width; c++) {
                    // rounding can leave a tiny negative for identical vectors
                    values[offset + c] = Math.max(0, values[offset + c] * -2 + rowNorm + otherNorms[c]);
                }
            }
            visitor.visit(first, count, width, values);
        }
    }

    /**
     * Rows {@code first .. first + count} as a double matrix, copied through one flat array: ND4J's own
     * {@code create(double[][])} and {@code getRows} copy element by element and cost more than the products.
     */
    static INDArray matrix(double[][] rows, int first, int count) {
        int d = rows[first].length;
        double[] flat = new double[count * d];
        for (int r = 0; r < count; r++) {
            System.arraycopy(rows[first + r], 0, flat, r * d, d);
        }
        return Nd4j.create(flat, new long[] {count, d}, 'c');
    }

    /**
     * The k-th smallest (k >= 1) of {@code values[from .. from + length]}, keeping the k smallest seen in a sorted
     * window.
     */
    private static double kthSmallest(double[] values, int from, int length, int k) {
        double[] smallest = new double[k];
        Arrays.fill(smallest, Double.POSITIVE_INFINITY);
        for (int at = from; at < from + length; at++) {
            double v = values[at];
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
