package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.metrics.PrecisionRecall;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.toy.GaussianRing;
import io.sparkgan.model.training.CollapseGuard;
import io.sparkgan.model.training.GanStep;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The guard on the 2-D ring of 8 Gaussians, where modes and recall can be counted: a healthy run is not flagged,
 * and the same run made to collapse is, by falling coverage and recall and by a D that wins outright.
 */
class CollapseGuardTest {

    private static final GaussianRing RING = new GaussianRing(8, 1.0, 0.02);

    /** Evaluates G on the ring as the train job evaluates it on images: modes covered and recall. */
    private static CollapseGuard.Observation evaluate(
            GanStep step, GanModelConfig config, INDArray noise, double dLoss) {
        INDArray samples = step.generator().output(noise);
        GaussianRing.Coverage coverage = RING.coverage(samples, 20);
        double[][] real = RING.sample(1000, new SplittableRandom(5))
                .castTo(DataType.DOUBLE)
                .toDoubleMatrix();
        double recall = PrecisionRecall.between(
                        real, samples.castTo(DataType.DOUBLE).toDoubleMatrix(), 3)
                .recall();
        return new CollapseGuard.Observation(coverage.modesCovered(), 8, recall, dLoss);
    }

    @Test
    void aHealthyRingRunIsNotFlaggedAndTheSameRunCollapsingIs() {
        int threads = Nd4j.getEnvironment().maxThreads();
        Nd4j.getEnvironment().setMaxThreads(1);
        try {
            GanModelConfig config = GaussianRingLearningTest.ringConfig();
            GanStep step = new GanStep(GanNetworks.generator(config), GanNetworks.discriminator(config), config);
            CollapseGuard guard = new CollapseGuard(CollapseGuard.Thresholds.DEFAULTS);
            INDArray evaluationNoise = LatentNoise.sample(99, 1000, config.latentSize, DataType.FLOAT);
            SplittableRandom data = new SplittableRandom(1);
            int step0 = 0;
            // healthy: the ring recipe, evaluated every 250 steps
            for (int evaluation = 0; evaluation < 6; evaluation++) {
                double dLoss = train(step, config, data, step0, 250, false);
                step0 += 250;
                CollapseGuard.Verdict verdict = guard.observe(evaluate(step, config, evaluationNoise, dLoss));
                assertFalse(
                        verdict.collapsed(),
                        "healthy run flagged at evaluation " + evaluation + ": " + verdict.reasons());
            }
            // deliberately collapsing: G's noise is cut to one point, so every sample lands in one place
            boolean flagged = false;
            INDArray collapsedNoise = Nd4j.zeros(DataType.FLOAT, 1000, config.latentSize);
            for (int evaluation = 0; evaluation < 3 && !flagged; evaluation++) {
                double dLoss = train(step, config, data, step0, 100, true);
                step0 += 100;
                CollapseGuard.Verdict verdict = guard.observe(evaluate(step, config, collapsedNoise, dLoss));
                flagged = verdict.collapsed()
                        && verdict.reasons().stream().anyMatch(r -> r.contains("modes"))
                        && verdict.reasons().stream().anyMatch(r -> r.contains("recall"));
            }
            assertTrue(flagged, "a one-point generator must be flagged by modes and recall");
        } finally {
            Nd4j.getEnvironment().setMaxThreads(threads);
        }
    }

    @Test
    void oneNonFiniteEvaluationDoesNotDisableTheRecallRule() {
        CollapseGuard guard = new CollapseGuard(CollapseGuard.Thresholds.DEFAULTS);
        assertFalse(guard.observe(new CollapseGuard.Observation(10, 10, 0.5, 1)).collapsed());
        CollapseGuard.Verdict broken = guard.observe(new CollapseGuard.Observation(10, 10, Double.NaN, 1));
        assertTrue(
                broken.collapsed() && broken.reasons().get(0).contains("recall"),
                broken.reasons().toString());
        CollapseGuard.Verdict fell = guard.observe(new CollapseGuard.Observation(10, 10, 0.05, 1));
        assertTrue(
                fell.collapsed() && fell.reasons().get(0).contains("recall fell to 0.050"),
                fell.reasons().toString());
    }

    @Test
    void aDiscriminatorThatWinsOutrightIsFlaggedAfterThePatience() {
        CollapseGuard guard = new CollapseGuard(new CollapseGuard.Thresholds(0.8, 0.1, 0.05, 2));
        assertFalse(
                guard.observe(new CollapseGuard.Observation(10, 10, 0.5, 0.01)).collapsed());
        CollapseGuard.Verdict second = guard.observe(new CollapseGuard.Observation(10, 10, 0.5, 0.02));
        assertTrue(
                second.collapsed() && second.reasons().get(0).contains("D loss"),
                second.reasons().toString());
        guard.restart();
        assertFalse(
                guard.observe(new CollapseGuard.Observation(10, 10, 0.5, 0.01)).collapsed());
        // low figures at the start of training are not a collapse: nothing has been reached yet
        CollapseGuard fresh = new CollapseGuard(CollapseGuard.Thresholds.DEFAULTS);
        assertFalse(
                fresh.observe(new CollapseGuard.Observation(2, 10, 0.01, 1.3)).collapsed());
    }

    /** Steps of the ring recipe; returns the mean D loss. With {@code collapsed}, G's noise is all zeros. */
    private static double train(
            GanStep step, GanModelConfig config, SplittableRandom data, int first, int steps, boolean collapsed) {
        double dLoss = 0;
        for (int i = 0; i < steps; i++) {
            INDArray z = collapsed
                    ? Nd4j.zeros(DataType.FLOAT, 256, config.latentSize)
                    : LatentNoise.sample(LatentNoise.derive(7, first + i), 256, config.latentSize, DataType.FLOAT);
            dLoss += step.step(RING.sample(256, data), z).dLoss();
        }
        return dLoss / steps;
    }
}
