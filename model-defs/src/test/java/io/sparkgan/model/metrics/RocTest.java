package io.sparkgan.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** ROC, AUROC and average precision against values worked out by hand. */
class RocTest {

    @Test
    void aurocIsTheShareOfAnomalyNormalPairsInTheRightOrderTiesCountingHalf() {
        // anomalies 0.9, 0.5, 0.3; normal 0.5, 0.2: pairs in order 0.9>0.5, 0.9>0.2, 0.5=0.5 (half), 0.5>0.2,
        // 0.3<0.5, 0.3>0.2 -> (1 + 1 + 0.5 + 1 + 0 + 1) / 6
        Roc roc = Roc.of(new double[] {0.9, 0.5, 0.3, 0.5, 0.2}, new boolean[] {true, true, true, false, false});
        assertEquals(4.5 / 6, roc.auroc(), 1e-12);
        // precision at each anomaly: 0.9 -> 1/1; the tie at 0.5 -> 2/3; 0.3 -> 3/4
        assertEquals((1.0 + 2.0 / 3 + 3.0 / 4) / 3, roc.averagePrecision(), 1e-12);
        // at a false-positive rate of 0: only 0.9 is flagged
        assertEquals(0.9, roc.thresholdAt(0).threshold(), 0);
        assertEquals(1.0 / 3, roc.thresholdAt(0).truePositiveRate(), 1e-12);
        assertEquals(
                1.0, Roc.of(new double[] {2, 1}, new boolean[] {true, false}).auroc(), 0);
        assertEquals(
                0.0, Roc.of(new double[] {1, 2}, new boolean[] {true, false}).auroc(), 0);
    }

    @Test
    void oneKindOfItemIsNotEnough() {
        assertThrows(IllegalArgumentException.class, () -> Roc.of(new double[] {1, 2}, new boolean[] {true, true}));
    }
}
