package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.training.GanStep;
import io.sparkgan.model.training.StepStats;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

public class GanStepTest {

    static GanModelConfig smallDcgan() {
        GanModelConfig config = GanModelConfig.dcgan(16, 16, 1);
        config.baseWidth = 8;
        config.latentSize = 16;
        return config;
    }

    /** Stand-in images in [-1, 1], from a Java RNG (ND4J's global RNG does not restart exactly on setSeed). */
    public static INDArray realBatch(long seed, int batch, GanModelConfig config) {
        int pixels = config.channels * config.height * config.width;
        return Transforms.tanh(LatentNoise.sample(seed, batch, pixels, DataType.FLOAT))
                .reshape(batch, config.channels, config.height, config.width);
    }

    @Test
    void statsAreTheDiscriminatorsOutputsAndLossesBeforeItsUpdate() {
        GanModelConfig config = smallDcgan();
        MultiLayerNetwork g = GanNetworks.generator(config).layerStack();
        MultiLayerNetwork d = GanNetworks.discriminator(config).layerStack();
        INDArray real = realBatch(3, 8, config);
        INDArray z = LatentNoise.sample(4, 8, config.latentSize, DataType.FLOAT);
        INDArray fake = g.output(z, true);
        // D's output is its logit; the stats report the probability sigmoid(logit) that it gives to "real"
        INDArray onReal = Transforms.sigmoid(d.output(real, true));
        INDArray onFake = Transforms.sigmoid(d.output(fake, true));
        double expectedReal = onReal.meanNumber().doubleValue();
        double expectedFake = onFake.meanNumber().doubleValue();
        double expectedLoss = -mean(Nd4j.math.log(onReal)) - mean(Nd4j.math.log(onFake.rsub(1)));

        StepStats stats = new GanStep(Network.of(g), Network.of(d), config).step(real, z);

        assertEquals(expectedReal, stats.dReal(), 1e-5);
        assertEquals(expectedFake, stats.dFake(), 1e-5);
        assertEquals(expectedLoss, stats.dLoss(), 1e-4);
        assertEquals(1, g.getLayerWiseConfigurations().getIterationCount());
        assertEquals(1, d.getLayerWiseConfigurations().getIterationCount());
    }

    @Test
    void stepsAreDeterministicAndMoveBothNetworks() {
        GanModelConfig config = smallDcgan();
        INDArray[] first = runSteps(config, 3);
        INDArray[] second = runSteps(config, 3);
        assertEquals(first[0], second[0]);
        assertEquals(first[1], second[1]);
        Network fresh = GanNetworks.generator(config);
        assertNotEquals(fresh.params(), first[0]);
        assertTrue(Double.isFinite(first[0].sumNumber().doubleValue())
                && Double.isFinite(first[1].sumNumber().doubleValue()));
    }

    @Test
    void aDiscriminatorOnlyStepLeavesTheGeneratorAlone() {
        GanModelConfig config = smallDcgan();
        GanStep step = new GanStep(GanNetworks.generator(config), GanNetworks.discriminator(config), config);
        INDArray g = step.generator().params().dup();
        INDArray d = step.discriminator().params().dup();
        StepStats stats = step.step(
                realBatch(1, 8, config), LatentNoise.sample(2, 8, config.latentSize, DataType.FLOAT), null, 0, false);
        assertEquals(g, step.generator().params());
        assertNotEquals(d, step.discriminator().params());
        assertTrue(Double.isNaN(stats.gLoss()) && Double.isFinite(stats.dLoss()));
        assertEquals(0, step.generator().iterations());
    }

    private static INDArray[] runSteps(GanModelConfig config, int steps) {
        GanStep step = new GanStep(GanNetworks.generator(config), GanNetworks.discriminator(config), config);
        for (int i = 0; i < steps; i++) {
            step.step(realBatch(i, 8, config), LatentNoise.sample(100 + i, 8, config.latentSize, DataType.FLOAT));
        }
        return new INDArray[] {
            step.generator().params().dup(), step.discriminator().params().dup()
        };
    }

    private static double mean(INDArray a) {
        return a.meanNumber().doubleValue();
    }
}
