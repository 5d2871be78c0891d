package io.sparkgan.model.metrics;

import java.util.Arrays;

/**
 * The evaluation protocol in one place: from the real reference and the features of a sample set, every metric.
 * Precision/recall and density/coverage compare equal-sized sets (they are biased by unequal sizes), so the
 * reference subset is cut to the sample count; FID uses the statistics of all real images; KID draws
 * {@value #KID_SUBSETS} subsets of up to {@value #KID_SUBSET_SIZE}.
 */
public final class MetricSuite {

    public static final int K = 3;
    public static final int KID_SUBSETS = 20;
    public static final int KID_SUBSET_SIZE = 1000;

    private MetricSuite() {}

    public static SampleMetrics compare(RealReference real, FeatureSet samples, long seed) {
        return compare(real, samples, FeatureStatistics.of(samples.features()), seed);
    }

    /**
     * As above, with the statistics of a larger set that {@code samples} were drawn from (a whole dataset): FID
     * is then computed from all of it.
     */
    public static SampleMetrics compare(
            RealReference real, FeatureSet samples, FeatureStatistics statistics, long seed) {
        if (samples.size() <= K) {
            throw new IllegalArgumentException("metrics need more than " + K + " samples, got " + samples.size());
        }
        double[][] generated = samples.features();
        double fid = FrechetDistance.between(real.statistics(), statistics);
        KernelInceptionDistance.Result kid =
                KernelInceptionDistance.between(real.features(), generated, KID_SUBSETS, KID_SUBSET_SIZE, seed);
        int n = Math.min(real.features().length, generated.length);
        double[][] realSet = real.first(n);
        double[][] sampleSet = Arrays.copyOf(generated, n);
        double[] realRadii = real.radii(n, K);
        // one pass over the real-generated distances serves all four manifold metrics
        NearestNeighbours.CrossCounts manifold =
                NearestNeighbours.cross(realSet, realRadii, sampleSet, NearestNeighbours.radii(sampleSet, K));
        PrecisionRecall.Result pr = PrecisionRecall.of(manifold, n, n, K);
        DensityCoverage.Result dc = DensityCoverage.of(manifold, n, n, K);
        Integer covered = null;
        Integer classes = null;
        Double kl = null;
        long[] counts = null;
        if (real.hasClasses() && samples.hasClasses()) {
            ModeCoverage.Result modes =
                    ModeCoverage.of(samples.classes(), real.classFrequencies(), ModeCoverage.DEFAULT_MIN_SHARE);
            covered = modes.covered();
            classes = modes.classes();
            kl = modes.klDivergence();
            counts = modes.counts();
        }
        return new SampleMetrics(
                statistics.count(),
                fid,
                kid.mean(),
                kid.std(),
                pr.precision(),
                pr.recall(),
                dc.density(),
                dc.coverage(),
                covered,
                classes,
                kl,
                counts,
                null);
    }
}
