package io.sparkgan.model.metrics;

/**
 * Density and coverage (Naeem et al., 2020), which use only the real set's k-NN balls and so are less swayed by
 * generated outliers than precision and recall. Density: how many real balls contain a generated vector, on
 * average, divided by k (about 1 when the distributions match; above 1 when samples crowd dense real regions).
 * Coverage: the share of real balls that contain at least one generated vector.
 */
public final class DensityCoverage {

    public static final int DEFAULT_K = 3;

    public record Result(double density, double coverage, int k) {
    }

    private DensityCoverage() {
    }

    public static Result between(double[][] real, double[][] generated, int k) {
        double[] radii = NearestNeighbours.radii(real, k);
        int containing = 0;
        for (int count : NearestNeighbours.ballsContaining(generated, real, radii)) {
            containing += count;
        }
        int covered = 0;
        for (int i = 0; i < real.length; i++) {
            for (double[] sample : generated) {
                if (NearestNeighbours.squaredDistance(sample, real[i]) <= radii[i]) {
                    covered++;
                    break;
                }
            }
        }
        return new Result(containing / ((double) k * generated.length), covered / (double) real.length, k);
    }
}
