package io.sparkgan.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Precision/recall and density/coverage on sets whose answer is known. */
class ManifoldMetricsTest {

    /** n points around each of the given 2-D centres, spread 0.05. */
    private static double[][] clusters(long seed, int perCluster, double[]... centres) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] points = new double[perCluster * centres.length][];
        for (int i = 0; i < points.length; i++) {
            double[] c = centres[i % centres.length];
            points[i] = new double[] {c[0] + 0.05 * gaussian(random), c[1] + 0.05 * gaussian(random)};
        }
        return points;
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private static final double[][] FOUR = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};

    @Test
    void theReferencesRadiiAreComputedOncePerSetSize() {
        double[][] real = clusters(5, 50, FOUR);
        RealReference reference = new RealReference(FeatureStatistics.of(real), real, null);
        double[] radii = reference.radii(120, 3);
        assertArrayEquals(NearestNeighbours.radii(java.util.Arrays.copyOf(real, 120), 3), radii, 0);
        assertSame(radii, reference.radii(120, 3), "kept, not recomputed");
        assertEquals(200, reference.radii(200, 3).length);
    }

    @Test
    void samplesFromTheSameDistributionScoreNearOne() {
        double[][] real = clusters(1, 100, FOUR);
        double[][] generated = clusters(2, 100, FOUR);
        PrecisionRecall.Result pr = PrecisionRecall.between(real, generated, 3);
        DensityCoverage.Result dc = DensityCoverage.between(real, generated, 3);
        assertTrue(pr.precision() > 0.9 && pr.recall() > 0.9, pr.toString());
        // for identical distributions and equal set sizes, expected coverage is 1 - 2^-k (Naeem et al.): 0.875
        assertEquals(0.875, dc.coverage(), 0.05, dc.toString());
        assertEquals(1.0, dc.density(), 0.15, dc.toString());
    }

    @Test
    void droppingModesLowersRecallAndCoverageButNotPrecision() {
        double[][] real = clusters(1, 100, FOUR);
        double[][] twoModes = clusters(3, 200, FOUR[0], FOUR[1]);
        PrecisionRecall.Result pr = PrecisionRecall.between(real, twoModes, 3);
        DensityCoverage.Result dc = DensityCoverage.between(real, twoModes, 3);
        assertTrue(pr.precision() > 0.9, pr.toString());
        assertTrue(pr.recall() < 0.6 && pr.recall() > 0.4, pr.toString());
        assertTrue(dc.coverage() < 0.6, dc.toString());
    }

    @Test
    void samplesOffTheRealManifoldHaveNoPrecisionNorDensity() {
        double[][] real = clusters(1, 100, FOUR);
        double[][] elsewhere = clusters(4, 100, new double[] {5, 5});
        assertEquals(0, PrecisionRecall.between(real, elsewhere, 3).precision());
        assertEquals(0, DensityCoverage.between(real, elsewhere, 3).density());
        assertEquals(0, DensityCoverage.between(real, elsewhere, 3).coverage());
    }

    @Test
    void modeCoverageCountsClassesAndDivergence() {
        double[] uniform = {0.25, 0.25, 0.25, 0.25};
        ModeCoverage.Result all = ModeCoverage.of(new int[] {0, 1, 2, 3, 0, 1, 2, 3}, uniform, 0.1);
        assertEquals(4, all.covered());
        assertEquals(0, all.klDivergence(), 1e-12);
        // 97 samples of class 0 and a stray 1, 2 and 3: only class 0 reaches 10% of its expected 25
        int[] collapsed = new int[100];
        collapsed[97] = 1;
        collapsed[98] = 2;
        collapsed[99] = 3;
        ModeCoverage.Result one = ModeCoverage.of(collapsed, uniform, 0.1);
        assertEquals(1, one.covered());
        double expected = 0.97 * Math.log(0.97 / 0.25) + 3 * 0.01 * Math.log(0.01 / 0.25);
        assertEquals(expected, one.klDivergence(), 1e-12);
    }

    @Test
    void aClassWithoutRealImagesIsNotAModeToCover() {
        // labels 1..3 as EMNIST letters number them: class 0 has no real images
        double[] real = {0, 0.5, 0.25, 0.25};
        ModeCoverage.Result all = ModeCoverage.of(new int[] {1, 1, 2, 3}, real, 0.1);
        assertEquals(3, all.classes(), "only the classes the data has");
        assertEquals(3, all.covered());
        assertEquals(0, all.klDivergence(), 1e-12);
        // samples the evaluator puts in the empty class count against the divergence, finitely
        ModeCoverage.Result stray = ModeCoverage.of(new int[] {0, 1, 1, 2, 3, 1, 1, 2}, real, 0.1);
        assertEquals(3, stray.covered());
        assertEquals(1, stray.counts()[0]);
        assertTrue(Double.isFinite(stray.klDivergence()) && stray.klDivergence() > 0.5, "" + stray.klDivergence());
    }
}
