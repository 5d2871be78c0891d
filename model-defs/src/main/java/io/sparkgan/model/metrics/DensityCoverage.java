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
        return of(NearestNeighbours.cross(real, radii, generated, null), real.length, generated.length, k);
    }

    /** From the counts of a pass over both sets' distances (shared with precision and recall). */
    static Result of(NearestNeighbours.CrossCounts counts, int realCount, int generatedCount, int k) {
        return new Result(
                counts.pairsInRealBalls() / ((double) k * generatedCount),
                counts.realBallsCovered() / (double) realCount,
                k);
    }
}
