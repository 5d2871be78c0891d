package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.training.GanStep;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** PacGAN: D judges packs of samples stacked along the channels, and G's gradient comes back through the packing. */
class PackedDiscriminatorTest {

    private static final double H = 1e-6;

    /**
     * One GAN step with plain SGD (rate 1 for G, next to nothing for D) moves G by minus the gradient of D's mean loss
     * over the packs of G's samples, checked against finite differences of that loss computed independently.
     */
    @Test
    void generatorUpdateThroughAPackedDiscriminatorIsTheGradientOfItsMeanLoss() {
        GanModelConfig config = GanStepTest.smallDcgan();
        config.baseWidth = 2;
        config.latentSize = 4;
        config.pack = 2;
        config.optimizer = GanModelConfig.OptimizerKind.SGD;
        config.lrG = 1.0;
        config.lrD = 1e-12;
        int batch = 6;
        GanStep step = new GanStep(
                GanNetworks.generator(config, DataType.DOUBLE),
                GanNetworks.discriminator(config, DataType.DOUBLE),
                config);
        MultiLayerNetwork g = GanNetworks.generator(config, DataType.DOUBLE).layerStack();
        MultiLayerNetwork d = GanNetworks.discriminator(config, DataType.DOUBLE).layerStack();
        assertEquals(2, config.discriminatorChannels(), "D takes a pack of two 1-channel images");
        INDArray real = GanStepTest.realBatch(3, batch, config).castTo(DataType.DOUBLE);
        INDArray z = LatentNoise.sample(4, batch, config.latentSize, DataType.DOUBLE);
        Map<String, INDArray> before =
                Map.copyOf(copies(step.generator().layerStack().paramTable()));

        step.step(real, z);

        INDArray targets = Nd4j.ones(DataType.DOUBLE, batch / 2, 1);
        SplittableRandom pick = new SplittableRandom(11);
        int checked = 0;
        for (Map.Entry<String, INDArray> param : g.paramTable().entrySet()) {
            String name = param.getKey();
            if (name.endsWith("_mean") || name.endsWith("_var") || name.endsWith("_log10stdev")) {
                continue;
            }
            INDArray moved = step.generator().layerStack().getParam(name).sub(before.get(name));
            INDArray values = param.getValue();
            for (int k = 0; k < Math.min(6, values.length()); k++) {
                long[] at = Shape.ind2subC(values.shape(), pick.nextLong(values.length()));
                double original = values.getDouble(at);
                values.putScalar(at, original + H);
                double plus = meanPackLoss(g, d, z, targets);
                values.putScalar(at, original - H);
                double minus = meanPackLoss(g, d, z, targets);
                values.putScalar(at, original);
                double numeric = (plus - minus) / (2 * H);
                double update = -moved.getDouble(at);
                assertEquals(numeric, update, 1e-3 * Math.max(1e-6, Math.abs(numeric)), name);
                checked++;
            }
        }
        assertTrue(checked > 20, "checked " + checked);
    }

    @Test
    void packsNeedWholeBatchesAndAnUnconditionalModel() {
        GanModelConfig config = GanStepTest.smallDcgan();
        config.pack = 2;
        GanStep step = new GanStep(GanNetworks.generator(config), GanNetworks.discriminator(config), config);
        IllegalArgumentException odd = assertThrows(
                IllegalArgumentException.class,
                () -> step.step(
                        GanStepTest.realBatch(1, 5, config),
                        LatentNoise.sample(2, 5, config.latentSize, DataType.FLOAT)));
        assertTrue(odd.getMessage().contains("packs of 2"), odd.getMessage());
        config.conditional = true;
        config.classes = 10;
        IllegalArgumentException conditional =
                assertThrows(IllegalArgumentException.class, config::validateHyperparameters);
        assertTrue(conditional.getMessage().contains("--pack"), conditional.getMessage());
    }

    /** D's loss with G's target, averaged over the packs of G's samples: consecutive samples share a pack. */
    private static double meanPackLoss(MultiLayerNetwork g, MultiLayerNetwork d, INDArray z, INDArray targets) {
        INDArray fake = g.output(z, true);
        INDArray packs = fake.reshape('c', fake.size(0) / 2, fake.size(1) * 2, fake.size(2), fake.size(3));
        return d.score(new DataSet(packs, targets), true);
    }

    private static Map<String, INDArray> copies(Map<String, INDArray> table) {
        Map<String, INDArray> out = new java.util.HashMap<>();
        table.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }
}
