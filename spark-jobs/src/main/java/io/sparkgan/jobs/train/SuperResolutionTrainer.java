package io.sparkgan.jobs.train;

import io.sparkgan.jobs.engine.LocalTrainer;
import io.sparkgan.jobs.engine.Minibatch;
import io.sparkgan.model.SuperResolutionConfig;
import io.sparkgan.model.sampling.LatentNoise;
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

    /** Counter the seed of a step's crops and augmentations is derived with. */
    static final long STEP_SEED = 0x73757072L;

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
        boolean adversarial = adversarialPhase(settings, batch.step(), round.imagesPerStep());
        SuperResolutionStep.Stats stats = step.step(
                batch.real(),
                LatentNoise.derive(round.seed(), STEP_SEED, batch.partition(), batch.step()),
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

    /** Whether a global step trains adversarially: with an adversarial term, once the pretraining images are shown. */
    static boolean adversarialPhase(SuperResolutionConfig settings, long step, long imagesPerStep) {
        return settings.adversarialWeight > 0 && step * imagesPerStep >= settings.pretrainKimg * 1000;
    }

    @Override
    public TrainedState capture() {
        return GanTrainer.capture(step.ganStep());
    }
}
