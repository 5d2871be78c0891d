package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.augment.DiffAugment;
import io.sparkgan.model.sampling.LatentNoise;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class DiffAugmentTest {

    private static final long[] SHAPE = {3, 3, 16, 16};

    private static INDArray images(long seed) {
        return LatentNoise.sample(seed, (int) SHAPE[0], (int) (SHAPE[1] * SHAPE[2] * SHAPE[3]), DataType.DOUBLE)
                .reshape(SHAPE);
    }

    private static DiffAugment.Augmentation draw(Set<DiffAugment.Kind> policy, long seed) {
        return new DiffAugment(policy)
                .sample(new SplittableRandom(seed), (int) SHAPE[0], (int) SHAPE[1], (int) SHAPE[2], (int) SHAPE[3]);
    }

    @Test
    void gradientsThroughEachAugmentationMatchFiniteDifferences() {
        for (Set<DiffAugment.Kind> policy : java.util.List.of(
                EnumSet.of(DiffAugment.Kind.COLOR),
                EnumSet.of(DiffAugment.Kind.TRANSLATION),
                EnumSet.of(DiffAugment.Kind.CUTOUT),
                EnumSet.allOf(DiffAugment.Kind.class))) {
            DiffAugment.Augmentation augmentation = draw(policy, 5);
            INDArray x = images(1);
            INDArray upstream = images(2);
            // L(x) = <upstream, A(x)>; its gradient is A's transpose applied to upstream
            INDArray analytic = augmentation.backward(upstream);
            SplittableRandom pick = new SplittableRandom(3);
            double h = 1e-5;
            for (int k = 0; k < 40; k++) {
                long at = pick.nextLong(x.length());
                INDArray flat = x.reshape(x.length());
                double original = flat.getDouble(at);
                flat.putScalar(at, original + h);
                double plus = augmentation.apply(x).mul(upstream).sumNumber().doubleValue();
                flat.putScalar(at, original - h);
                double minus = augmentation.apply(x).mul(upstream).sumNumber().doubleValue();
                flat.putScalar(at, original);
                double numeric = (plus - minus) / (2 * h);
                assertEquals(
                        numeric,
                        analytic.reshape(x.length()).getDouble(at),
                        1e-6 * (1 + Math.abs(numeric)),
                        DiffAugment.format(policy) + " at " + at);
            }
        }
    }

    @Test
    void eachImageIsAugmentedOnItsOwnAndKeepsItsPlaceInTheBatch() {
        DiffAugment.Augmentation augmentation = draw(EnumSet.allOf(DiffAugment.Kind.class), 7);
        INDArray x = images(1);
        INDArray before = augmentation.apply(x);
        INDArray changed = x.dup();
        changed.get(NDArrayIndex.point(1)).assign(images(9).get(NDArrayIndex.point(1)));
        INDArray after = augmentation.apply(changed);
        assertEquals(before.get(NDArrayIndex.point(0)), after.get(NDArrayIndex.point(0)));
        assertEquals(before.get(NDArrayIndex.point(2)), after.get(NDArrayIndex.point(2)));
        assertNotEquals(before.get(NDArrayIndex.point(1)), after.get(NDArrayIndex.point(1)));
        assertEquals(images(1), x, "the input is left alone");
        assertTrue(java.util.Arrays.equals(SHAPE, before.shape()));
    }

    @Test
    void theSameSeedGivesTheSameAugmentationAndAnotherSeedAnother() {
        Set<DiffAugment.Kind> all = EnumSet.allOf(DiffAugment.Kind.class);
        INDArray x = images(1);
        assertEquals(draw(all, 11).apply(x), draw(all, 11).apply(x));
        assertNotEquals(draw(all, 11).apply(x), draw(all, 12).apply(x));
        // without a policy nothing changes
        assertEquals(x, draw(EnumSet.noneOf(DiffAugment.Kind.class), 11).apply(x));
    }

    @Test
    void cutoutZeroesAQuarterOfTheImageAtMost() {
        DiffAugment.Augmentation cut = draw(EnumSet.of(DiffAugment.Kind.CUTOUT), 4);
        INDArray ones = Nd4j.ones(DataType.DOUBLE, SHAPE);
        double kept = cut.apply(ones).sumNumber().doubleValue() / ones.length();
        assertTrue(kept >= 0.75 && kept < 1, "kept share " + kept);
    }

    @Test
    void policiesParseFromTheFlag() {
        assertEquals(EnumSet.of(DiffAugment.Kind.COLOR, DiffAugment.Kind.CUTOUT), DiffAugment.parse("color, cutout"));
        assertEquals(EnumSet.noneOf(DiffAugment.Kind.class), DiffAugment.parse("none"));
        assertEquals("color,translation,cutout", DiffAugment.format(DiffAugment.parse("cutout,translation,color")));
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> DiffAugment.parse("color,flip"));
        assertTrue(bad.getMessage().contains("--augment") && bad.getMessage().contains("flip"));
    }
}
