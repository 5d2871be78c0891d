package io.sparkgan.jobs.gan;

import io.sparkgan.jobs.engine.LocalTrainer;
import io.sparkgan.jobs.engine.Minibatch;
import io.sparkgan.jobs.train.PairTrainers;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.state.GanState;
import io.sparkgan.model.training.GanStep;
import io.sparkgan.model.training.StepStats;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The GAN as the engine's local trainer: {@link GanStep}s on the worker's minibatches, with noise and
 * augmentations drawn from (seed, partition, step) alone, D's extra steps and G's moving average counted in global
 * steps, so that how the steps fall into rounds changes nothing. Its state is {@link GanState}'s; its counters are
 * G's and D's iteration counts.
 */
final class GanTrainer implements LocalTrainer {

    private final GanModelConfig model;
    private final GanStep step;
    private GanTrainerSpec round;

    GanTrainer(GanModelConfig model, GanStep step) {
        this.model = model;
        this.step = step;
    }

    GanStep ganStep() {
        return step;
    }

    /** This round's settings: its learning rates are set in the networks' updaters (the optimizer state is kept). */
    void configure(GanTrainerSpec spec) {
        step.setLearningRates(spec.lrG(), spec.lrD());
        round = spec;
    }

    @Override
    public void load(byte[] state) {
        PairTrainers.load(step, state);
    }

    @Override
    public void step(Minibatch batch, double[] statistics) {
        // steps are numbered globally, so G's turns fall on the same steps whatever the rounds
        boolean updateGenerator = (batch.step() + 1) % model.dSteps == 0;
        INDArray noise = noise(
                round.seed(),
                batch.partition(),
                batch.step(),
                (int) batch.real().size(0),
                model.latentSize);
        StepStats stats = step.step(
                batch.real(),
                noise,
                batch.labels(),
                LatentNoise.derive(round.seed(), 0x61756720L, batch.partition(), batch.step()),
                updateGenerator);
        if (noise.closeable()) {
            noise.close();
        }
        statistics[PairTrainers.D_LOSS] += stats.dLoss();
        if (updateGenerator) {
            statistics[PairTrainers.G_LOSS] += stats.gLoss();
            statistics[PairTrainers.G_STEPS]++;
            step.updateAverage(round.imagesPerStep(), (batch.step() + 1) * round.imagesPerStep());
        }
        statistics[PairTrainers.D_REAL] += stats.dReal();
        statistics[PairTrainers.D_FAKE] += stats.dFake();
    }

    @Override
    public TrainedState capture() {
        return PairTrainers.capture(step);
    }

    /** The noise batch of a partition's global step. */
    static INDArray noise(long seed, int partition, long step, int batch, int latentSize) {
        return LatentNoise.sample(
                LatentNoise.derive(seed, 0x6e6f697365L, partition, step), batch, latentSize, DataType.FLOAT);
    }
}
