package io.sparkgan.model.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.BatchNormFolding;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.sampling.LatentNoise;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A network with its batch norms folded computes what the original computes in inference mode. */
class BatchNormFoldingTest {

    @ParameterizedTest
    @EnumSource(
            value = GanModelConfig.Architecture.class,
            names = {"DCGAN", "DCGAN_K5"})
    void foldedNetworksEqualTheOriginalsInInferenceMode(GanModelConfig.Architecture architecture) {
        GanModelConfig config = GanModelConfig.dcgan(16, 16, 1);
        config.architecture = architecture;
        config.baseWidth = 4;
        config.latentSize = 6;
        MultiLayerNetwork g = GanNetworks.generator(config).layerStack();
        MultiLayerNetwork d = GanNetworks.discriminator(config).layerStack();
        // trained-looking values: every weight, batch-norm scale, shift, mean and deviation moved
        perturb(g, 1);
        perturb(d, 2);
        INDArray z = LatentNoise.sample(3, 5, config.latentSize, DataType.FLOAT);
        INDArray images = g.output(z, false);
        MultiLayerNetwork foldedG = BatchNormFolding.fold(config, g, GanNetworks::generator);
        MultiLayerNetwork foldedD = BatchNormFolding.fold(config, d, GanNetworks::discriminator);

        assertClose(images, foldedG.output(z, false));
        assertClose(d.output(images, false), foldedD.output(images, false));
        assertEquals(0, countBatchNorms(foldedG) + countBatchNorms(foldedD));
        assertTrue(architecture == GanModelConfig.Architecture.DCGAN_K5 || countBatchNorms(d) > 0);
    }

    /** In double precision the folded networks compute the same values to rounding. */
    @org.junit.jupiter.api.Test
    void inDoublePrecisionTheFoldingIsExactToRounding() {
        GanModelConfig config = GanModelConfig.dcgan(16, 16, 1);
        config.baseWidth = 4;
        config.latentSize = 6;
        MultiLayerNetwork g = GanNetworks.generator(config, DataType.DOUBLE).layerStack();
        MultiLayerNetwork d = GanNetworks.discriminator(config, DataType.DOUBLE).layerStack();
        perturb(g, 1);
        perturb(d, 2);
        INDArray z = LatentNoise.sample(3, 5, config.latentSize, DataType.DOUBLE);
        INDArray images = g.output(z, false);
        MultiLayerNetwork foldedG = BatchNormFolding.fold(config, g, c -> GanNetworks.generator(c, DataType.DOUBLE));
        MultiLayerNetwork foldedD =
                BatchNormFolding.fold(config, d, c -> GanNetworks.discriminator(c, DataType.DOUBLE));
        assertTrue(images.sub(foldedG.output(z, false)).amaxNumber().doubleValue() < 1e-12);
        assertTrue(d.output(images, false)
                        .sub(foldedD.output(images, false))
                        .amaxNumber()
                        .doubleValue()
                < 1e-12);
    }

    private static void perturb(MultiLayerNetwork net, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        INDArray params = net.params();
        for (long i = 0; i < params.length(); i++) {
            params.putScalar(i, params.getDouble(i) + 0.2 * (random.nextDouble() - 0.5));
        }
    }

    private static long countBatchNorms(MultiLayerNetwork net) {
        return java.util.Arrays.stream(net.getLayers())
                .filter(l -> l.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization)
                .count();
    }

    private static void assertClose(INDArray expected, INDArray actual) {
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double worst = expected.sub(actual).amaxNumber().doubleValue() / scale;
        assertTrue(worst < 1e-4, "largest difference relative to the largest value: " + worst);
        assertTrue(Nd4j.getExecutioner() != null);
    }
}
