package io.sparkgan.model.metrics;

/**
 * Every metric of one comparison of a sample set with the real reference. The class-based fields are {@code null}
 * when the evaluator has no classes (unlabelled data).
 *
 * @param samples      sample set size (FID and KID depend on it: compare figures at equal sizes)
 * @param fid          Fréchet distance of the Gaussian fits, against all real images
 * @param kid          kernel distance, mean over subsets
 * @param kidStd       its standard deviation over the subsets
 * @param precision    share of samples inside the real k-NN manifold (fidelity)
 * @param recall       share of real images inside the samples' manifold (diversity)
 * @param density      real k-NN balls holding a sample, on average, over k
 * @param coverage     share of real k-NN balls holding a sample
 * @param modesCovered classes the samples cover ({@link ModeCoverage})
 * @param classes      classes of the real data
 * @param classKl      KL(sample classes || real classes)
 * @param classCounts  the evaluator's class histogram of the samples
 * @param classAccuracy for a conditional generator: the share of samples the evaluator puts in the class they were
 *                      asked for
 */
public record SampleMetrics(
        long samples,
        double fid,
        double kid,
        double kidStd,
        double precision,
        double recall,
        double density,
        double coverage,
        Integer modesCovered,
        Integer classes,
        Double classKl,
        long[] classCounts,
        Double classAccuracy) {

    /** These metrics with the conditional accuracy of the samples' requested classes. */
    public SampleMetrics withClassAccuracy(double accuracy) {
        return new SampleMetrics(
                samples,
                fid,
                kid,
                kidStd,
                precision,
                recall,
                density,
                coverage,
                modesCovered,
                classes,
                classKl,
                classCounts,
                accuracy);
    }
}
