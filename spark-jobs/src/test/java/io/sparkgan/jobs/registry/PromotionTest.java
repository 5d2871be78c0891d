package io.sparkgan.jobs.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.metrics.SampleMetrics;
import org.junit.jupiter.api.Test;

class PromotionTest {

    private static SampleMetrics metrics(double fid, double recall, int modes) {
        return new SampleMetrics(1000, fid, 0, 0, 0.7, recall, 1, 0.9, modes, 10, 0.01, null, null);
    }

    @Test
    void aLowerFidPromotesAndAHigherOneKeepsTheChampion() {
        Promotion policy = Promotion.DEFAULTS;
        Promotion.Decision better = policy.decide(metrics(40, 0.5, 10), metrics(45, 0.5, 10));
        assertTrue(better.promote());
        assertEquals("FID 40.000 against the champion's 45.000 (margin 0.000)", better.reason());
        Promotion.Decision worse = policy.decide(metrics(46, 0.5, 10), metrics(45, 0.5, 10));
        assertFalse(worse.promote());
        assertEquals("FID 46.000 is not below the champion's 45.000 by more than the margin 0.000", worse.reason());
        assertFalse(policy.decide(metrics(45, 0.5, 10), metrics(45, 0.5, 10)).promote(), "equal is not better");
    }

    @Test
    void aGainWithinTheMarginKeepsTheChampion() {
        Promotion policy = new Promotion(2, 0, 0);
        assertFalse(policy.decide(metrics(43.5, 0.5, 10), metrics(45, 0.5, 10)).promote());
        assertTrue(policy.decide(metrics(42.5, 0.5, 10), metrics(45, 0.5, 10)).promote());
    }

    @Test
    void failingFloorsKeepTheChampionEvenWithABetterFid() {
        Promotion floors = new Promotion(0, 0.9, 0.3);
        Promotion.Decision fewModes = floors.decide(metrics(30, 0.5, 8), metrics(45, 0.5, 10));
        assertFalse(fewModes.promote());
        assertEquals("the candidate covers 8 of 10 modes, below the floor of 0.90", fewModes.reason());
        Promotion.Decision lowRecall = floors.decide(metrics(30, 0.2, 10), metrics(45, 0.5, 10));
        assertFalse(lowRecall.promote());
        assertEquals("the candidate's recall 0.2000 is below the floor 0.3000", lowRecall.reason());
        assertFalse(floors.decide(metrics(30, 0.2, 10), null).promote(), "floors apply without a champion too");
    }

    @Test
    void withoutAChampionAFiniteCandidatePromotes() {
        assertTrue(Promotion.DEFAULTS.decide(metrics(80, 0.1, 3), null).promote());
        assertFalse(Promotion.DEFAULTS.decide(metrics(Double.NaN, 0.1, 3), null).promote());
    }

    @Test
    void outOfRangeSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Promotion(-1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Promotion(0, 1.5, 0));
    }
}
