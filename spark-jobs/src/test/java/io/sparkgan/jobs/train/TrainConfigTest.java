package io.sparkgan.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkgan.model.GanModelConfig;
import org.junit.jupiter.api.Test;

class TrainConfigTest {

    @Test
    void theAutomaticAveragingPeriodKeepsRateTimesLocalStepsAtTheDcganRecipes() {
        assertEquals(8, new TrainConfig().resolveAutomatic().averagingEvery, "2e-4: the DCGAN recipe's 8 steps");
        TrainConfig fast = new TrainConfig();
        fast.model.lrD = 2e-3;
        assertEquals(1, fast.resolveAutomatic().averagingEvery, "the larger rate decides");
        TrainConfig slow = new TrainConfig();
        slow.model.lrG = 1e-4;
        slow.model.lrD = 1e-4;
        assertEquals(16, slow.resolveAutomatic().averagingEvery);
        TrainConfig given = new TrainConfig();
        given.averagingEvery = 3;
        assertEquals(3, given.resolveAutomatic().averagingEvery, "a period that is set stays");
    }

    @Test
    void ratesFollowTheWorkersLinearlyByDefaultAndBySquareRootOnlyWithAdam() {
        TrainConfig config = new TrainConfig();
        assertEquals(4, config.learningRateScale(4), 0, "linear by default");
        assertEquals(1, config.learningRateScale(1), 0, "one worker trains at the rates as given");
        config.lrScaling = TrainConfig.LrScaling.SQRT;
        assertEquals(2, config.learningRateScale(4), 1e-12);
        config.lrScaling = TrainConfig.LrScaling.NONE;
        assertEquals(1, config.learningRateScale(4), 0);
        config.model.optimizer = GanModelConfig.OptimizerKind.SGD;
        config.lrScaling = TrainConfig.LrScaling.SQRT;
        assertEquals(1, config.learningRateScale(4), 0, "averaged SGD steps already equal the combined batch");
        config.lrScaling = TrainConfig.LrScaling.LINEAR;
        assertEquals(4, config.learningRateScale(4), 0, "SGD's linear scaling rule");
        assertEquals(8, config.resolveAutomatic().averagingEvery, "the period follows the unscaled rates (2e-4)");
    }
}
