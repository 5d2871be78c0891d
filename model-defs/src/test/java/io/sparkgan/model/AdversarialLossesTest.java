package io.sparkgan.model;

import io.sparkgan.model.toy.GaussianRing;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals((0.5 + 1.25 - 0.7) / 5, hinge.computeScore(labels, output, new ActivationIdentity(), null, true),
                1e-12);
    }

    @Test
    void aProjectionMaskKeepsOnlyTheLabelsOutput() {
        HingeAdversarialLoss hinge = new HingeAdversarialLoss();
        INDArray labels = Nd4j.create(new double[] {1, 1, -1, -1}, new long[] {2, 2});
        INDArray output = Nd4j.create(new double[] {0.5, 9, -9, 0.25}, new long[] {2, 2});
        INDArray mask = Nd4j.create(new double[] {1, 0, 0, 1}, new long[] {2, 2});
        assertEquals(Nd4j.create(new double[] {0.5, 1.25}, new long[] {2, 1}),
                hinge.computeScoreArray(labels, output, new ActivationIdentity(), mask));
        assertEquals(Nd4j.create(new double[] {-1, 0, 0, 1}, new long[] {2, 2}),
                hinge.computeGradient(labels, output, new ActivationIdentity(), mask));
    }

    /** A few hundred steps on the 2-D ring: with every loss D learns to score real samples above generated ones. */
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
                StepStats stats = step.step(ring.sample(64, random),
                        LatentNoise.sample(i, 64, config.latentSize, DataType.FLOAT));
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
    void aHingeDiscriminatorSurvivesTheModelFormat() throws Exception {
        GanModelConfig config = GanModelConfig.mlp(2, 4);
        config.loss = GanLoss.HINGE;
        MultiLayerNetwork d = GanNetworks.discriminator(config);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(d, bytes, true);
        MultiLayerNetwork loaded = ModelSerializer.restoreMultiLayerNetwork(
                new ByteArrayInputStream(bytes.toByteArray()), true);
        var head = (org.deeplearning4j.nn.conf.layers.BaseOutputLayer) loaded.getOutputLayer().conf().getLayer();
        assertTrue(head.getLossFn() instanceof HingeAdversarialLoss, head.getLossFn().toString());
        assertEquals(d.params(), loaded.params());
    }

    @Test
    void augmentationNeedsImages() {
        GanModelConfig config = GanModelConfig.mlp(2, 4);
        config.augment = DiffAugment.parse("color");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::validateHyperparameters);
        assertTrue(e.getMessage().contains("--augment"));
    }
}
