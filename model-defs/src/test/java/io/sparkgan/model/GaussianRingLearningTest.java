package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.toy.GaussianRing;
import io.sparkgan.model.training.GanStep;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The GAN step learns a known distribution: 8 Gaussians (std 0.02) on the unit circle, modes countable. */
class GaussianRingLearningTest {

    static final int STEPS = 1500;

    @Test
    // a hang guard, not a performance assertion: 135 s with four jobs sharing 2 cores
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void mlpGanCoversTheRing() {
        // networks this small are dominated by per-op overhead, which extra threads only add to
        int threads = Nd4j.getEnvironment().maxThreads();
        Nd4j.getEnvironment().setMaxThreads(1);
        try {
            trainAndCheckCoverage();
        } finally {
            Nd4j.getEnvironment().setMaxThreads(threads);
        }
    }

    private void trainAndCheckCoverage() {
        GaussianRing ring = new GaussianRing(8, 1.0, 0.02);
        GanModelConfig config = ringConfig();
        GanStep step = new GanStep(GanNetworks.generator(config), GanNetworks.discriminator(config), config);
        SplittableRandom data = new SplittableRandom(1);
        int batch = 256;
        long start = System.nanoTime();
        for (int i = 0; i < STEPS; i++) {
            step.step(
                    ring.sample(batch, data),
                    LatentNoise.sample(LatentNoise.derive(7, i), batch, config.latentSize, DataType.FLOAT));
        }
        GaussianRing.Coverage coverage = coverage(ring, step, config);
        String figures = coverage.modesCovered() + " modes, " + coverage.highQualityFraction()
                + " within 3 std, per mode " + java.util.Arrays.toString(coverage.pointsPerMode());
        System.out.printf(
                "ring after %d steps (%.1f s of training): %s%n", STEPS, (System.nanoTime() - start) / 1e9, figures);
        assertTrue(coverage.modesCovered() >= 7, figures);
        assertTrue(coverage.highQualityFraction() >= 0.8, figures);
    }

    /** Two hidden layers of 128 for G and D, z of size 8, Adam 2e-3 (beta1 0.5), batch 256. */
    static GanModelConfig ringConfig() {
        GanModelConfig config = GanModelConfig.mlp(2, 8);
        config.mlpHidden = 128;
        config.mlpLayers = 2;
        config.lrG = 2e-3;
        config.lrD = 2e-3;
        return config;
    }

    private static GaussianRing.Coverage coverage(GaussianRing ring, GanStep step, GanModelConfig config) {
        INDArray z = LatentNoise.sample(99, 2000, config.latentSize, DataType.FLOAT);
        return ring.coverage(step.generator().output(z), 20);
    }
}
