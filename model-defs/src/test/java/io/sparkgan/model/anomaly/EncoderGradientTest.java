package io.sparkgan.model.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.sampling.LatentNoise;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.gradient.Gradient;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * The encoder's update has no combined network either: the gradient of A_R + kappa A_D reaches E through the
 * frozen G's and D's input gradients. Checked against central finite differences in double precision, with G and
 * D in inference mode (batch norms with their running statistics), and G and D left untouched.
 */
class EncoderGradientTest {

    private static final double H = 1e-6;

    @Test
    void encoderGradientThroughFrozenGeneratorAndDiscriminatorMatchesFiniteDifferences() {
        GanModelConfig gan = GanModelConfig.dcgan(8, 8, 1);
        gan.baseWidth = 2;
        gan.latentSize = 3;
        Network g = GanNetworks.generator(gan, DataType.DOUBLE);
        Network d = GanNetworks.discriminator(gan, DataType.DOUBLE);
        // batch-norm running statistics away from their initial values, as after training
        SplittableRandom random = new SplittableRandom(5);
        for (INDArray params : new INDArray[] {g.params(), d.params()}) {
            for (long i = 0; i < params.length(); i++) {
                params.putScalar(i, params.getDouble(i) + 0.1 * (random.nextDouble() - 0.5));
            }
        }
        INDArray gBefore = g.params().dup();
        INDArray dBefore = d.params().dup();
        EncoderConfig config = new EncoderConfig();
        config.kappa = 0.7;
        FrozenGan frozen = FrozenGan.of(gan, g, d);
        Network encoder = EncoderNetworks.encoder(gan, config, DataType.DOUBLE);
        INDArray images = frozen.reconstruct(LatentNoise.sample(8, 4, gan.latentSize, DataType.DOUBLE))
                .addi(LatentNoise.sample(9, 4, 64, DataType.DOUBLE)
                        .reshape(4, 1, 8, 8)
                        .muli(0.1));

        INDArray z = encoder.forwardForTraining(images);
        Gradient analytic =
                encoder.backprop(frozen.residuals(images, z, config.kappa).latentGradient());
        Map<String, INDArray> byParam = Map.copyOf(analytic.gradientForVariable());

        SplittableRandom pick = new SplittableRandom(11);
        int checked = 0;
        for (Map.Entry<String, INDArray> param : encoder.model().paramTable().entrySet()) {
            INDArray values = param.getValue();
            INDArray gradient = byParam.get(param.getKey()).dup();
            double worst = 0;
            for (int k = 0; k < Math.min(10, values.length()); k++) {
                long[] at = Shape.ind2subC(values.shape(), pick.nextLong(values.length()));
                double original = values.getDouble(at);
                values.putScalar(at, original + H);
                double plus = loss(encoder, frozen, images, config.kappa);
                values.putScalar(at, original - H);
                double minus = loss(encoder, frozen, images, config.kappa);
                values.putScalar(at, original);
                double numeric = (plus - minus) / (2 * H);
                double a = gradient.getDouble(at);
                if (Math.abs(a - numeric) > 1e-9) {
                    worst = Math.max(worst, Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric)));
                }
                checked++;
            }
            assertTrue(worst < 1e-3, param.getKey() + ": relative error " + worst);
        }
        assertTrue(checked > 20, "checked " + checked);
        assertEquals(gBefore, g.params(), "G is frozen");
        assertEquals(dBefore, d.params(), "D is frozen");
    }

    /** sum over the batch of A_R + kappa A_D. */
    private static double loss(Network encoder, FrozenGan frozen, INDArray images, double kappa) {
        double sum = 0;
        for (double v : frozen.residuals(images, encoder.output(images), null).combined(kappa)) {
            sum += v;
        }
        return sum;
    }
}
