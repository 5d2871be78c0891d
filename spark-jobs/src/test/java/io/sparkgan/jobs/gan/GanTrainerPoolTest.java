package io.sparkgan.jobs.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.jobs.engine.LocalTrainer;
import io.sparkgan.jobs.engine.TrainerPool;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.training.GanStep;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/** The executor-side pool reuses GAN trainers and does not keep those of architectures a later run left behind. */
class GanTrainerPoolTest {

    @Test
    void trainersArePooledByArchitectureAndEachRoundsRatesAreSetOnThem() throws Exception {
        GanModelConfig model = new GanModelConfig();
        model.height = 28;
        model.width = 28;
        model.channels = 1;
        model.baseWidth = 4;
        model.latentSize = 8;
        model.lrG = 1e-3;
        model.lrD = 1e-3;
        String architecture = Json.MAPPER.writeValueAsString(model);
        GanTrainerSpec first = new GanTrainerSpec(architecture, 1e-3, 1e-3, 42, 64);
        LocalTrainer trainer = TrainerPool.borrow(first);
        TrainerPool.release(first, trainer);
        // five rollbacks, each halving the rates: the same networks, their updaters told the new rate
        double lr = 2e-4;
        for (int i = 0; i < 5; i++) {
            GanTrainerSpec round = new GanTrainerSpec(architecture, lr, 2 * lr, 42, 64);
            LocalTrainer borrowed = TrainerPool.borrow(round);
            assertSame(trainer, borrowed, "reused");
            GanStep step = ((GanTrainer) borrowed).ganStep();
            assertEquals(
                    lr,
                    ((Adam) step.generator()
                                    .layerStack()
                                    .getLayer(0)
                                    .conf()
                                    .getLayer()
                                    .getUpdaterByParam("W"))
                            .getLearningRate(),
                    0);
            assertEquals(
                    2 * lr,
                    ((Adam) step.discriminator()
                                    .layerStack()
                                    .getLayer(0)
                                    .conf()
                                    .getLayer()
                                    .getUpdaterByParam("W"))
                            .getLearningRate(),
                    0);
            TrainerPool.release(round, borrowed);
            lr /= 2;
        }
        // other runs served by the same executor afterwards: only the last two architectures stay
        for (int width = 5; width < 9; width++) {
            model.baseWidth = width;
            GanTrainerSpec other = new GanTrainerSpec(Json.MAPPER.writeValueAsString(model), 1e-3, 1e-3, 42, 64);
            TrainerPool.release(other, TrainerPool.borrow(other));
        }
        assertTrue(TrainerPool.models() <= TrainerPool.MODELS, "architectures kept: " + TrainerPool.models());
    }
}
