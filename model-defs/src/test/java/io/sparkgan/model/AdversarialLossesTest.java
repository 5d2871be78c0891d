package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.augment.DiffAugment;
import io.sparkgan.model.losses.GanLoss;
import io.sparkgan.model.losses.HingeAdversarialLoss;
import io.sparkgan.model.losses.NonSaturatingLogitLoss;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.toy.GaussianRing;
import io.sparkgan.model.training.GanStep;
import io.sparkgan.model.training.StepStats;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AdversarialLossesTest {

    @Test
    void hingeTermsFollowTheLabels() {
        HingeAdversarialLoss hinge = new HingeAdversarialLoss();
        INDArray labels = Nd4j.create(new double[] {1, 1, -1, -1, 0}, new long[] {5, 1});
        INDArray output = Nd4j.create(new double[] {0.5, 2, -3, 0.25, 0.7}, new long[] {5, 1});
        INDArray scores = hinge.computeScoreArray(labels, output, new ActivationIdentity(), null);
        assertEquals(Nd4j.create(new double[] {0.5, 0, 0, 1.25, -0.7}, new long[] {5, 1}), scores);
        INDArray gradient = hinge.computeGradient(labels, output, new ActivationIdentity(), null);
        assertEquals(Nd4j.create(new double[] {-1, 0, 0, 1, -1}, new long[] {5, 1}), gradient);
        assertEquals(
                (0.5 + 1.25 - 0.7) / 5,
                hinge.computeScore(labels, output, new ActivationIdentity(), null, true),
                1e-12);
    }

    @Test
    void aProjectionMaskKeepsOnlyTheLabelsOutput() {
        HingeAdversarialLoss hinge = new HingeAdversarialLoss();
        INDArray labels = Nd4j.create(new double[] {1, 1, -1, -1}, new long[] {2, 2});
        INDArray output = Nd4j.create(new double[] {0.5, 9, -9, 0.25}, new long[] {2, 2});
        INDArray mask = Nd4j.create(new double[] {1, 0, 0, 1}, new long[] {2, 2});
        assertEquals(
                Nd4j.create(new double[] {0.5, 1.25}, new long[] {2, 1}),
                hinge.computeScoreArray(labels, output, new ActivationIdentity(), mask));
        assertEquals(
                Nd4j.create(new double[] {-1, 0, 0, 1}, new long[] {2, 2}),
                hinge.computeGradient(labels, output, new ActivationIdentity(), mask));
    }

    /**
     * Where D confidently rejects a generated sample (logit -30, sigmoid 1e-13), the non-saturating loss must still
     * give G a gradient of about -1 per sample with respect to the logit; DL4J's clipped sigmoid cross-entropy gave
     * about 1e-13 there.
     */
    @Test
    void theNonSaturatingGeneratorGradientDoesNotVanishWhereDRejectsTheFake() {
        GanLoss loss = GanLoss.NON_SATURATING;
        INDArray logits = Nd4j.create(new float[] {-30, -12, 0, 30}, new long[] {4, 1});
        INDArray targets = Nd4j.valueArrayOf(new long[] {4, 1}, loss.generatorTarget, DataType.FLOAT);
        INDArray gradient = loss.lossFunction()
                .computeGradient(targets, logits.dup(), loss.outputActivation.getActivationFunction(), null);
        assertEquals(-1.0, gradient.getDouble(0), 1e-6);
        assertEquals(-1.0, gradient.getDouble(1), 1e-5);
        assertEquals(-0.5, gradient.getDouble(2), 1e-6);
        assertEquals(0.0, gradient.getDouble(3), 1e-12);
        INDArray perSample = loss.lossFunction()
                .computeScoreArray(targets, logits.dup(), loss.outputActivation.getActivationFunction(), null);
        assertEquals(30.0, perSample.getDouble(0), 1e-5);
        assertEquals(Math.log(2), perSample.getDouble(2), 1e-6);
    }

    /** The same through a whole D: its input gradient for G keeps its size when D's logits are pushed to -30. */
    @Test
    void gradientReachingTheGeneratorKeepsItsSizeWhenDIsSaturated() {
        GanModelConfig config = GanModelConfig.mlp(2, 4);
        MultiLayerNetwork d = GanNetworks.discriminator(config).layerStack();
        INDArray fake = new GaussianRing(8, 2, 0.02).sample(16, new SplittableRandom(3));
        INDArray targets = Nd4j.ones(DataType.FLOAT, 16, 1);
        double[] norms = new double[3];
        double[] biases = {0, -30, -60};
        for (int i = 0; i < biases.length; i++) {
            d.getOutputLayer().getParam("b").assign(biases[i]);
            norms[i] = d.calculateGradients(fake, targets, null, null)
                    .getSecond()
                    .norm2Number()
                    .doubleValue();
        }
        // near 0 the logit's gradient is sigmoid(z) - 1, about -0.5; saturated it is -1 and stays there
        assertTrue(norms[1] > 1.5 * norms[0], "saturated " + norms[1] + " against " + norms[0]);
        assertEquals(norms[1], norms[2], 1e-5 * norms[1]);
    }

    /** Every loss's terms and gradients against closed forms evaluated in double precision, saturated logits too. */
    @Test
    void everyLossAndGradientMatchesADoublePrecisionReference() {
        double[] logits = {-60, -30, -3.5, -0.25, 0, 0.7, 4, 30, 60};
        for (GanLoss loss : GanLoss.values()) {
            double smoothing = loss.smoothable ? 0.1 : 0;
            for (double target : new double[] {loss.realTarget - smoothing, loss.fakeTarget, loss.generatorTarget}) {
                INDArray labels = Nd4j.valueArrayOf(new long[] {logits.length, 1}, target, DataType.DOUBLE);
                INDArray z = Nd4j.createFromArray(logits).reshape(logits.length, 1);
                var activation = loss.outputActivation.getActivationFunction();
                INDArray terms = loss.lossFunction().computeScoreArray(labels, z.dup(), activation, null);
                INDArray gradient = loss.lossFunction().computeGradient(labels, z.dup(), activation, null);
                for (int i = 0; i < logits.length; i++) {
                    double[] expected = reference(loss, target, logits[i]);
                    String what = loss + " target " + target + " logit " + logits[i];
                    assertEquals(expected[0], terms.getDouble(i), 1e-9 * Math.max(1, Math.abs(expected[0])), what);
                    assertEquals(expected[1], gradient.getDouble(i), 1e-9, what);
                }
            }
        }
    }

    /** A projection D's mask keeps the label's output of the non-saturating loss and zeroes the others' gradient. */
    @Test
    void theNonSaturatingLossHonoursAProjectionMask() {
        INDArray labels = Nd4j.create(new double[] {1, 1, 0, 0}, new long[] {2, 2});
        INDArray z = Nd4j.create(new double[] {-30, 5, 2, -40}, new long[] {2, 2});
        INDArray mask = Nd4j.create(new double[] {1, 0, 0, 1}, new long[] {2, 2});
        var identity = new ActivationIdentity();
        NonSaturatingLogitLoss loss = new NonSaturatingLogitLoss();
        INDArray scores = loss.computeScoreArray(labels, z.dup(), identity, mask);
        assertEquals(30.0, scores.getDouble(0), 1e-9);
        assertEquals(Math.log1p(Math.exp(-40)), scores.getDouble(1), 1e-25);
        INDArray gradient = loss.computeGradient(labels, z.dup(), identity, mask);
        assertEquals(-1.0, gradient.getDouble(0, 0), 1e-12);
        assertEquals(0.0, gradient.getDouble(0, 1), 0.0);
        assertEquals(0.0, gradient.getDouble(1, 0), 0.0);
    }

    /** {term, d term / d logit} of one output, written out from each loss's definition. */
    private static double[] reference(GanLoss loss, double y, double z) {
        return switch (loss) {
            case NON_SATURATING ->
                new double[] {
                    -y * Math.log(1 / (1 + Math.exp(-z))) - (1 - y) * Math.log(1 / (1 + Math.exp(z))),
                    1 / (1 + Math.exp(-z)) - y
                };
            case HINGE ->
                y == 0 ? new double[] {-z, -1} : new double[] {Math.max(0, 1 - y * z), 1 - y * z > 0 ? -y : 0};
            case LEAST_SQUARES -> new double[] {(z - y) * (z - y), 2 * (z - y)};
        };
    }

    /**
     * A few hundred steps on the 2-D ring: with every loss D learns to score real samples above generated ones. Over 8
     * seeds (weights, data, noise) on each of two floating-point paths (OpenBLAS's SkylakeX and Haswell kernels), the
     * sum below was at least 0.80 (non-saturating, median 5.5), 5.2 (hinge) and 2.7 (least squares) in all 16 runs.
     */
    @Test
    void everyLossTrainsTheDiscriminatorToSeparateRealFromGenerated() {
        for (GanLoss loss : GanLoss.values()) {
            GanModelConfig config = GanModelConfig.mlp(2, 4);
            config.loss = loss;
            config.lrG = 1e-3;
            config.lrD = 1e-3;
            GanStep step = new GanStep(GanNetworks.generator(config), GanNetworks.discriminator(config), config);
            GaussianRing ring = new GaussianRing(8, 2, 0.02);
            SplittableRandom random = new SplittableRandom(1);
            double realMinusFake = 0;
            int steps = 150;
            for (int i = 0; i < steps; i++) {
                StepStats stats = step.step(
                        ring.sample(64, random), LatentNoise.sample(i, 64, config.latentSize, DataType.FLOAT));
                assertTrue(Double.isFinite(stats.dLoss()) && Double.isFinite(stats.gLoss()), loss + ": " + stats);
                if (i >= steps - 50) {
                    realMinusFake += stats.dReal() - stats.dFake();
                }
            }
            assertTrue(realMinusFake > 0, loss + ": D(real) - D(fake) summed over the last 50 steps " + realMinusFake);
        }
    }

    @Test
    void labelSmoothingIsOneSidedAndOnlyForLossesWithProbabilityTargets() {
        GanModelConfig config = GanModelConfig.mlp(2, 4);
        config.labelSmoothing = 0.1;
        config.validateHyperparameters();
        config.loss = GanLoss.HINGE;
        IllegalArgumentException hinge = assertThrows(IllegalArgumentException.class, config::validateHyperparameters);
        assertTrue(hinge.getMessage().contains("--label-smoothing"), hinge.getMessage());
        assertEquals(GanLoss.LEAST_SQUARES, GanLoss.ofFlag("ls"));
        assertThrows(IllegalArgumentException.class, () -> GanLoss.ofFlag("wasserstein"));
    }

    @Test
    void sparkgansLossesSurviveTheModelFormat() throws Exception {
        for (GanLoss loss : new GanLoss[] {GanLoss.HINGE, GanLoss.NON_SATURATING}) {
            GanModelConfig config = GanModelConfig.mlp(2, 4);
            config.loss = loss;
            MultiLayerNetwork d = GanNetworks.discriminator(config).layerStack();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ModelSerializer.writeModel(d, bytes, true);
            MultiLayerNetwork loaded =
                    ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
            var head = (org.deeplearning4j.nn.conf.layers.BaseOutputLayer)
                    loaded.getOutputLayer().conf().getLayer();
            assertEquals(loss.lossFunction().getClass(), head.getLossFn().getClass());
            assertEquals(d.params(), loaded.params());
        }
    }

    @Test
    void augmentationNeedsImages() {
        GanModelConfig config = GanModelConfig.mlp(2, 4);
        config.augment = DiffAugment.parse("color");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::validateHyperparameters);
        assertTrue(e.getMessage().contains("--augment"));
    }
}
