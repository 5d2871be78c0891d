package io.sparkgan.model.metrics;

/**
 * Improved precision and recall (Kynkäänniemi et al., 2019): each set's manifold is the union of balls reaching
 * every vector's k-th nearest neighbour. Precision is the share of generated vectors inside the real manifold
 * (fidelity); recall the share of real vectors inside the generated manifold (diversity: mode dropping lowers it).
 */
public final class PrecisionRecall {

    public static final int DEFAULT_K = 3;

    public record Result(double precision, double recall, int k) {}

    private PrecisionRecall() {}

    public static Result between(double[][] real, double[][] generated, int k) {
        return between(real, NearestNeighbours.radii(real, k), generated, NearestNeighbours.radii(generated, k), k);
    }

    /** As above, with the squared k-NN radii of both sets already computed (they are shared with other metrics). */
    static Result between(double[][] real, double[] realRadii, double[][] generated, double[] generatedRadii, int k) {
        return of(
                NearestNeighbours.cross(real, realRadii, generated, generatedRadii), real.length, generated.length, k);
    }

    /** From the counts of a pass over both sets' distances (shared with density and coverage). */
    static Result of(NearestNeighbours.CrossCounts counts, int realCount, int generatedCount, int k) {
        return new Result(
                counts.generatedInReal() / (double) generatedCount, counts.realInGenerated() / (double) realCount, k);
    }
}
