package io.sparkgan.jobs.train;

import io.sparkgan.jobs.engine.LocalTrainer;
import io.sparkgan.jobs.engine.Minibatch;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.superres.SuperResolutionConfig;
import io.sparkgan.model.superres.SuperResolutionStep;
import java.util.List;

/**
 * The super-resolution GAN as the engine's local trainer: {@link SuperResolutionStep}s on the worker's minibatches
 * of high-resolution images, the crops and D's augmentations drawn from (seed, partition, step) alone, and the
 * phase (content only, then adversarial) decided by the images shown before the step over all workers, so that how
 * the steps fall into rounds changes nothing. Its state and counters are the GAN's ({@link GanTrainer}).
 */
final class SuperResolutionTrainer implements LocalTrainer {

    /** The GAN's statistics (D's and G's adversarial figures, summed over adversarial steps), then the content terms. */
    static final List<String> STATISTICS =
            List.of("dLoss", "gLoss", "dReal", "dFake", "gSteps", "pixelLoss", "featureLoss");

    private static final int PIXEL = 5;
    private static final int FEATURES = 6;

    private final SuperResolutionConfig settings;
    private final SuperResolutionStep step;
    private SuperResolutionTrainerSpec round;

    SuperResolutionTrainer(SuperResolutionConfig settings, SuperResolutionStep step) {
        this.settings = settings;
        this.step = step;
    }

    void configure(SuperResolutionTrainerSpec spec) {
        step.ganStep().setLearningRates(spec.lrG(), spec.lrD());
        round = spec;
    }

    @Override
    public void load(byte[] state) {
        GanTrainer.load(step.ganStep(), state);
    }

    @Override
    public void step(Minibatch batch, double[] statistics) {
        boolean adversarial =
                settings.adversarialWeight > 0 && batch.step() * round.imagesPerStep() >= settings.pretrainKimg * 1000;
        SuperResolutionStep.Stats stats = step.step(
                batch.real(),
                LatentNoise.derive(round.seed(), 0x73757072L, batch.partition(), batch.step()),
                adversarial);
        if (adversarial) {
            statistics[GanTrainer.D_LOSS] += stats.gan().dLoss();
            statistics[GanTrainer.G_LOSS] += stats.gan().gLoss();
            statistics[GanTrainer.D_REAL] += stats.gan().dReal();
            statistics[GanTrainer.D_FAKE] += stats.gan().dFake();
            statistics[GanTrainer.G_STEPS]++;
        }
        statistics[PIXEL] += stats.pixel();
        statistics[FEATURES] += stats.features();
        step.ganStep().updateAverage(round.imagesPerStep(), (batch.step() + 1) * round.imagesPerStep());
    }

    @Override
    public TrainedState capture() {
        return GanTrainer.capture(step.ganStep());
    }
}
