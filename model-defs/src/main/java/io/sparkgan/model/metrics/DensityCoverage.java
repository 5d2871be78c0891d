package io.sparkgan.model.metrics;

/**
 * Density and coverage (Naeem et al., 2020), which use only the real set's k-NN balls and so are less swayed by
 * generated outliers than precision and recall. Density: how many real balls contain a generated vector, on
 * average, divided by k (about 1 when the distributions match; above 1 when samples crowd dense real regions).
 * Coverage: the share of real balls that contain at least one generated vector.
 */
public final class DensityCoverage {

    public static final int DEFAULT_K = 3;

    public record Result(double density, double coverage, int k) {}

    private DensityCoverage() {}

    public static Result between(double[][] real, double[][] generated, int k) {
        return between(real, NearestNeighbours.radii(real, k), generated, k);
    }

    /** As above, with the squared k-NN radii of the real set already computed. */
    static Result between(double[][] real, double[] radii, double[][] generated, int k) {
        // one pass over all (real ball, generated sample) pairs gives both: how many balls hold each sample, and
        // whether each ball holds any
        long[] containing = new long[1];
        int[] covered = new int[1];
        NearestNeighbours.forEachBlock(real, generated, (first, rows, columns, distances) -> {
            for (int r = 0; r < rows; r++) {
                int inBall = 0;
                for (int c = 0; c < columns; c++) {
                    if (distances[r * columns + c] <= radii[first + r]) {
                        inBall++;
                    }
                }
                containing[0] += inBall;
                if (inBall > 0) {
                    covered[0]++;
                }
            }
        });
        return new Result(containing[0] / ((double) k * generated.length), covered[0] / (double) real.length, k);
    }
}
