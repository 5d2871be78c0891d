package io.sparkgan.model.metrics;

/**
 * Mode coverage from the evaluator's class predictions for generated samples: how many classes the generator
 * produces, and how far its class distribution is from the real one. A collapsing generator loses classes first.
 *
 * <p>A class counts as covered when it receives at least {@code minShare} of the samples it would get under the
 * real class distribution (default 10%), so that a handful of stray predictions does not count as a mode. Classes
 * without real images (labels 1..26 of EMNIST letters leave class 0 empty) are not modes: {@code classes} counts
 * the others. The divergence is KL(generated || real), with the real frequency of an empty class taken as
 * {@link #EMPTY_CLASS_FREQUENCY}, so that samples classed there count against it, finitely; 0 when the mixes match.
 */
public final class ModeCoverage {

    public static final double DEFAULT_MIN_SHARE = 0.1;
    /** The real frequency the divergence assumes for a class without real images. */
    public static final double EMPTY_CLASS_FREQUENCY = 1e-6;

    public record Result(int covered, int classes, double klDivergence, long[] counts) {}

    private ModeCoverage() {}

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
        int present = 0;
        int covered = 0;
        double kl = 0;
        for (int c = 0; c < classes; c++) {
            if (!(realFrequencies[c] >= 0)) {
                throw new IllegalArgumentException(
                        "real frequency of class " + c + " must be >= 0, got " + realFrequencies[c]);
            }
            if (realFrequencies[c] > 0) {
                present++;
                if (counts[c] >= minShare * realFrequencies[c] * n && counts[c] > 0) {
                    covered++;
                }
            }
            if (counts[c] > 0) {
                double p = counts[c] / (double) n;
                kl += p * Math.log(p / Math.max(realFrequencies[c], EMPTY_CLASS_FREQUENCY));
            }
        }
        return new Result(covered, present, kl, counts);
    }
}
