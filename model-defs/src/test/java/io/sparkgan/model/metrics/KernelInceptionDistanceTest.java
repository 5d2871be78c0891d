package io.sparkgan.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KernelInceptionDistanceTest {

    @Test
    void unbiasedMmdMatchesNumpyOnTheReferenceVectors() {
        for (ReferenceVectors.Case c : ReferenceVectors.cases()) {
            double mmd = KernelInceptionDistance.mmd2Unbiased(c.a(), c.b());
            assertEquals(c.kidFullSet(), mmd, 1e-6 * Math.abs(c.kidFullSet()), c.name());
        }
    }

    @Test
    void subsetsAreReproducibleAndSeparateFarSetsFromNearOnes() {
        ReferenceVectors.Case far = ReferenceVectors.cases().get(1);
        KernelInceptionDistance.Result once = KernelInceptionDistance.between(far.a(), far.b(), 20, 50, 7);
        KernelInceptionDistance.Result again = KernelInceptionDistance.between(far.a(), far.b(), 20, 50, 7);
        assertEquals(once.mean(), again.mean());
        assertEquals(once.std(), again.std());
        assertEquals(50, once.subsetSize());

        // two halves of one set: KID is unbiased, so its mean sits near zero, well below the far pair's
        double[][] a = far.a();
        double[][] first = Arrays.copyOfRange(a, 0, a.length / 2);
        double[][] second = Arrays.copyOfRange(a, a.length / 2, a.length);
        KernelInceptionDistance.Result same = KernelInceptionDistance.between(first, second, 20, 50, 7);
        assertTrue(Math.abs(same.mean()) < 0.05 * once.mean(), same + " vs " + once);
    }
}
