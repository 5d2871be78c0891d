package io.sparkgan.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {

    @Test
    void matchesScipyOnTheReferenceVectors() {
        for (ReferenceVectors.Case c : ReferenceVectors.cases()) {
            double fid = FrechetDistance.between(FeatureStatistics.of(c.a()), FeatureStatistics.of(c.b()));
            assertEquals(c.fid(), fid, 1e-6 * c.fid(), c.name());
        }
    }

    @Test
    void matrixSquareRootMatchesScipy() {
        for (ReferenceVectors.Case c : ReferenceVectors.cases()) {
            double[][] covariance = FeatureStatistics.of(c.a()).covariance();
            assertTrue(ReferenceVectors.relativeError(c.covarianceA(), covariance) < 1e-12, c.name());
            double error =
                    ReferenceVectors.relativeError(c.sqrtCovarianceA(), FrechetDistance.symmetricSqrt(covariance));
            assertTrue(error < 1e-6, c.name() + ": relative error " + error);
        }
    }

    @Test
    void isZeroForASetAgainstItselfAndSymmetric() {
        ReferenceVectors.Case c = ReferenceVectors.cases().get(1);
        FeatureStatistics a = FeatureStatistics.of(c.a());
        FeatureStatistics b = FeatureStatistics.of(c.b());
        assertEquals(0, FrechetDistance.between(a, a), 1e-9);
        assertEquals(FrechetDistance.between(a, b), FrechetDistance.between(b, a), 1e-9 * c.fid());
    }

    @Test
    void aShiftOfTheMeanAddsItsSquaredLength() {
        ReferenceVectors.Case c = ReferenceVectors.cases().get(0);
        double[][] shifted = new double[c.a().length][];
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] = c.a()[i].clone();
            shifted[i][0] += 3;
            shifted[i][1] -= 4;
        }
        assertEquals(25, FrechetDistance.between(FeatureStatistics.of(c.a()), FeatureStatistics.of(shifted)), 1e-9);
    }

    @Test
    void statisticsOfPartsMergeIntoThoseOfTheWhole() {
        double[][] all = ReferenceVectors.cases().get(2).a();
        // uneven parts, one of a single vector: how partitions of a dataset split
        int[] cuts = {0, 1, all.length / 3, all.length};
        FeatureStatistics merged = null;
        for (int p = 0; p + 1 < cuts.length; p++) {
            FeatureStatistics part = FeatureStatistics.of(Arrays.copyOfRange(all, cuts[p], cuts[p + 1]));
            merged = merged == null ? part : FeatureStatistics.merge(merged, part);
        }
        FeatureStatistics whole = FeatureStatistics.of(all);
        assertEquals(whole.count(), merged.count());
        assertArrayEquals(whole.mean(), merged.mean(), 1e-12);
        assertTrue(ReferenceVectors.relativeError(whole.covariance(), merged.covariance()) < 1e-12);
    }
}
