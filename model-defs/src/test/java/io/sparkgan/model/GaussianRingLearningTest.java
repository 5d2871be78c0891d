package io.sparkgan.model;

import io.sparkgan.model.toy.GaussianRing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GAN step learns a known distribution: 8 Gaussians (std 0.02) on the unit circle, modes countable. */
class GaussianRingLearningTest {

    static final int STEPS = Integer.getInteger("ring.steps", 2000);

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard, not a performance assertion
    void mlpGanCoversTheRing() {
        GaussianRing ring = new GaussianRing(8, 1.0, 0.02);
        GanModelConfig config = ringConfig();
        GanStep step = new GanStep(GanNetworks.generator(config), GanNetworks.discriminator(config), config.loss);
        SplittableRandom data = new SplittableRandom(1);
        int batch = 256;
        for (int i = 0; i < STEPS; i++) {
            step.step(ring.sample(batch, data), LatentNoise.sample(LatentNoise.derive(7, i), batch,
                    config.latentSize, DataType.FLOAT));
            if (i % 250 == 249) {
                System.out.println("step " + (i + 1) + " " + coverage(ring, step, config));
            }
        }
        GaussianRing.Coverage coverage = coverage(ring, step, config);
        assertTrue(coverage.modesCovered() >= 7, coverage.toString());
        assertTrue(coverage.highQualityFraction() >= 0.8, coverage.toString());
    }

    static GanModelConfig ringConfig() {
        GanModelConfig config = GanModelConfig.mlp(2, Integer.getInteger("ring.latent", 8));
        config.mlpHidden = Integer.getInteger("ring.hidden", 128);
        config.mlpLayers = Integer.getInteger("ring.layers", 2);
        config.lrG = Double.parseDouble(System.getProperty("ring.lr", "1e-3"));
        config.lrD = config.lrG;
        return config;
    }

    private static GaussianRing.Coverage coverage(GaussianRing ring, GanStep step, GanModelConfig config) {
        INDArray z = LatentNoise.sample(99, 2000, config.latentSize, DataType.FLOAT);
        return ring.coverage(step.generator().output(z, false), 20);
    }
}
