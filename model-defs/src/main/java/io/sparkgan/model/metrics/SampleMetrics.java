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
 */
public record SampleMetrics(long samples, double fid, double kid, double kidStd, double precision, double recall,
                            double density, double coverage, Integer modesCovered, Integer classes,
                            Double classKl, long[] classCounts) {
}
