package io.sparkgan.jobs.superres;

import io.sparkgan.jobs.engine.LocalTrainer;
import io.sparkgan.jobs.engine.Minibatch;
import io.sparkgan.jobs.train.PairTrainers;
import io.sparkgan.model.SuperResolutionConfig;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.superres.SuperResolutionStep;
import java.util.List;
import java.util.stream.Stream;

/**
 * The super-resolution GAN as the engine's local trainer: {@link SuperResolutionStep}s on the worker's minibatches
 * of high-resolution images, the crops and D's augmentations drawn from (seed, partition, step) alone, and the
 * phase (content only, then adversarial) decided by the images shown before the step over all workers, so that how
 * the steps fall into rounds changes nothing. Its state and counters are every pair trainer's ({@link PairTrainers}).
 */
final class SuperResolutionTrainer implements LocalTrainer {

    /** A pair's statistics (D's and G's adversarial figures, summed over adversarial steps), then the content terms. */
    static final List<String> STATISTICS = Stream.concat(
                    PairTrainers.STATISTICS.stream(), Stream.of("pixelLoss", "featureLoss"))
            .toList();

    /** Counter the seed of a step's crops and augmentations is derived with. */
    static final long STEP_SEED = 0x73757072L;

    private static final int PIXEL = PairTrainers.STATISTICS.size();
    private static final int FEATURES = PIXEL + 1;

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
        PairTrainers.load(step.ganStep(), state);
    }

    @Override
    public void step(Minibatch batch, double[] statistics) {
        boolean adversarial = adversarialPhase(settings, batch.step(), round.imagesPerStep());
        SuperResolutionStep.Stats stats = step.step(
                batch.real(),
                LatentNoise.derive(round.seed(), STEP_SEED, batch.partition(), batch.step()),
                adversarial);
        if (adversarial) {
            statistics[PairTrainers.D_LOSS] += stats.gan().dLoss();
            statistics[PairTrainers.G_LOSS] += stats.gan().gLoss();
            statistics[PairTrainers.D_REAL] += stats.gan().dReal();
            statistics[PairTrainers.D_FAKE] += stats.gan().dFake();
            statistics[PairTrainers.G_STEPS]++;
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
        return PairTrainers.capture(step.ganStep());
    }
}
