package io.sparkgan.model.metrics;

/**
 * Mode coverage from the evaluator's class predictions for generated samples: how many classes the generator
 * produces, and how far its class distribution is from the real one. A collapsing generator loses classes first.
 *
 * <p>A class counts as covered when it receives at least {@code minShare} of the samples it would get under the
 * real class distribution (default 10%), so that a handful of stray predictions does not count as a mode. The
 * divergence is KL(generated || real), finite whenever every real class has a non-zero frequency; 0 when the class
 * mixes match.
 */
public final class ModeCoverage {

    public static final double DEFAULT_MIN_SHARE = 0.1;

    public record Result(int covered, int classes, double klDivergence, long[] counts) {
    }

    private ModeCoverage() {
    }

    /**
     * @param predictedClasses evaluator class of each generated sample, in [0, classes)
     * @param realFrequencies  class frequencies of the real data (sum 1), one per class
     */
    public static Result of(int[] predictedClasses, double[] realFrequencies, double minShare) {
        int classes = realFrequencies.length;
        long[] counts = new long[classes];
        for (int c : predictedClasses) {
            if (c < 0 || c >= classes) {
                throw new IllegalArgumentException("predicted class " + c + " outside [0, " + classes + ")");
            }
            counts[c]++;
        }
        int n = predictedClasses.length;
        int covered = 0;
        double kl = 0;
        for (int c = 0; c < classes; c++) {
            if (realFrequencies[c] <= 0) {
                throw new IllegalArgumentException("real frequency of class " + c + " must be > 0");
            }
            if (counts[c] >= minShare * realFrequencies[c] * n && counts[c] > 0) {
                covered++;
            }
            if (counts[c] > 0) {
                double p = counts[c] / (double) n;
                kl += p * Math.log(p / realFrequencies[c]);
            }
        }
        return new Result(covered, classes, kl, counts);
    }
}
