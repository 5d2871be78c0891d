package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.nets.ClassConditioning;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.toy.GaussianRing;
import io.sparkgan.model.training.GanStep;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The class-conditional GAN: inputs with labels, and a ring whose modes are the classes. */
class ConditionalGanTest {

    /** 500 were too few on some seeds: see the measurements at the conditional ring test. */
    private static final int CONDITIONAL_RING_STEPS = 750;

    @Test
    void labelsBecomeGeneratorInputsAndConstantDiscriminatorPlanes() {
        INDArray oneHot = ClassConditioning.oneHot(new int[] {2, 0}, 3, DataType.FLOAT);
        INDArray images = Nd4j.rand(DataType.FLOAT, 2, 1, 4, 5);
        INDArray seen = ClassConditioning.discriminatorInput(images, oneHot);
        assertArrayEquals(new long[] {2, 4, 4, 5}, seen.shape());
        assertEquals(
                images,
                seen.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1), NDArrayIndex.all(), NDArrayIndex.all()));
        assertEquals(
                20.0,
                seen.get(NDArrayIndex.point(0), NDArrayIndex.point(3))
                        .sumNumber()
                        .doubleValue(),
                0);
        assertEquals(
                0.0,
                seen.get(NDArrayIndex.point(0), NDArrayIndex.point(1))
                        .sumNumber()
                        .doubleValue(),
                0);
        assertEquals(
                20.0,
                seen.get(NDArrayIndex.point(1), NDArrayIndex.point(1))
                        .sumNumber()
                        .doubleValue(),
                0);
        assertArrayEquals(
                new long[] {2, 1, 4, 5},
                ClassConditioning.sampleGradient(seen, oneHot, 1).shape());
        assertArrayEquals(
                new long[] {2, 7},
                ClassConditioning.generatorInput(Nd4j.zeros(DataType.FLOAT, 2, 4), oneHot)
                        .shape());
        IllegalArgumentException bad = assertThrows(
                IllegalArgumentException.class, () -> ClassConditioning.oneHot(new int[] {3}, 3, DataType.FLOAT));
        assertTrue(bad.getMessage().contains("label 3"));
    }

    @Test
    void configsStoredBeforeTheConditioningOptionReadAsInputConditioning() throws Exception {
        GanModelConfig config = GanModelConfig.dcgan(28, 28, 1);
        assertEquals(GanModelConfig.Conditioning.BOTH, config.conditioning, "new runs: planes and projection");
        var stored = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.valueToTree(config);
        stored.remove("conditioning");
        assertEquals(
                GanModelConfig.Conditioning.INPUT,
                Json.MAPPER.treeToValue(GanModelConfig.upgradeStored(stored), GanModelConfig.class).conditioning);
        config.conditioning = GanModelConfig.Conditioning.PROJECTION;
        assertEquals(
                GanModelConfig.Conditioning.PROJECTION,
                Json.MAPPER.treeToValue(
                                GanModelConfig.upgradeStored(Json.MAPPER.valueToTree(config)), GanModelConfig.class)
                        .conditioning);
    }

    @Test
    void aProjectionDiscriminatorStepMovesOnlyTheHeadsOfTheClassesInTheBatch() {
        GanModelConfig config = GaussianRingLearningTest.ringConfig();
        config.conditional = true;
        config.classes = 4;
        config.conditioning = GanModelConfig.Conditioning.PROJECTION;
        GanStep step = new GanStep(GanNetworks.generator(config), GanNetworks.discriminator(config), config);
        INDArray headBefore =
                step.discriminator().layerStack().getOutputLayer().getParam("W").dup();
        assertArrayEquals(new long[] {config.mlpHidden, 4}, headBefore.shape());
        int[] labels = {1, 3, 1, 3};
        step.step(
                new GaussianRing(4, 1.0, 0.02).sample(4, new SplittableRandom(3), new int[4]),
                LatentNoise.sample(5, 4, config.latentSize, DataType.FLOAT),
                ClassConditioning.oneHot(labels, 4, DataType.FLOAT),
                0,
                true);
        INDArray moved = step.discriminator()
                .layerStack()
                .getOutputLayer()
                .getParam("W")
                .sub(headBefore)
                .amax(0);
        assertEquals(0.0, moved.getDouble(0), 0);
        assertEquals(0.0, moved.getDouble(2), 0);
        assertTrue(moved.getDouble(1) > 0 && moved.getDouble(3) > 0, moved.toString());
    }

    /**
     * Measured over 8 seeds (weights, data and noise) on each of two floating-point paths, this Xeon's OpenBLAS
     * kernels (SkylakeX, AVX-512) and the Haswell ones (AVX2, OPENBLAS_CORETYPE=Haswell): 16 runs per conditioning.
     * After 750 steps the mean share was at least 0.92 (INPUT), 0.76 (PROJECTION) and 0.80 (BOTH), medians 0.98,
     * 0.83 and 0.93; the third-lowest class at least 0.92, 0.72 and 0.86; thresholds 0.5 and 0.4. After 1000 steps
     * the minima were 0.60 and 0.47. After 500 steps, the count before, the mean fell to 0.33 and the lowest class to
     * 0.01 on some seeds: issue 31's failure on a Xeon was this test's own seeds on the SkylakeX path.
     */
    @ParameterizedTest
    @EnumSource(GanModelConfig.Conditioning.class)
    void aConditionalGeneratorPutsEachClassOfTheRingOnItsOwnMode(GanModelConfig.Conditioning conditioning) {
        int threads = Nd4j.getEnvironment().maxThreads();
        Nd4j.getEnvironment().setMaxThreads(1);
        try {
            GaussianRing ring = new GaussianRing(8, 1.0, 0.02);
            GanModelConfig config = GaussianRingLearningTest.ringConfig();
            config.conditional = true;
            config.classes = 8;
            config.conditioning = conditioning;
            GanStep step = new GanStep(GanNetworks.generator(config), GanNetworks.discriminator(config), config);
            SplittableRandom data = new SplittableRandom(1);
            int batch = 256;
            int[] modes = new int[batch];
            for (int i = 0; i < CONDITIONAL_RING_STEPS; i++) {
                INDArray real = ring.sample(batch, data, modes);
                step.step(
                        real,
                        LatentNoise.sample(LatentNoise.derive(7, i), batch, config.latentSize, DataType.FLOAT),
                        ClassConditioning.oneHot(modes, 8, DataType.FLOAT),
                        0,
                        true);
            }
            double[] onMode = new double[8];
            for (int mode = 0; mode < 8; mode++) {
                int[] asked = new int[200];
                Arrays.fill(asked, mode);
                INDArray input = ClassConditioning.generatorInput(
                        LatentNoise.sample(99 + mode, 200, config.latentSize, DataType.FLOAT),
                        ClassConditioning.oneHot(asked, 8, DataType.FLOAT));
                onMode[mode] = ring.shareNear(step.generator().output(input), mode);
            }
            double mean = Arrays.stream(onMode).average().orElse(0);
            double[] ascending = onMode.clone();
            Arrays.sort(ascending);
            System.out.println(
                    conditioning + " conditional ring, share on the mode asked for: " + Arrays.toString(onMode));
            // An unconditional generator puts 1/8 of any class on a given mode. A single class now and then falls
            // off its mode for a while (GAN training oscillates), so the check is on the mean and on six of the
            // eight classes: the third-lowest share.
            assertTrue(
                    mean > 0.5 && ascending[2] > 0.4,
                    "share of samples on the mode asked for: " + Arrays.toString(onMode));
        } finally {
            Nd4j.getEnvironment().setMaxThreads(threads);
        }
    }
}
