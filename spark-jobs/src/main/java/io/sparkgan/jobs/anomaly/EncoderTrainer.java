package io.sparkgan.jobs.anomaly;

import io.sparkgan.jobs.engine.LocalTrainer;
import io.sparkgan.jobs.engine.Minibatch;
import io.sparkgan.model.anomaly.EncoderStep;
import io.sparkgan.model.state.NetworkState;
import java.util.List;

/**
 * The f-AnoGAN encoder as the engine's local trainer: {@link EncoderStep}s against the frozen G and D on the
 * worker's minibatches. Its state is the encoder's ({@link NetworkState}); its counter, the encoder's iterations.
 */
final class EncoderTrainer implements LocalTrainer {

    /** The statistics each step adds up: the loss and its two residuals (batch means). */
    static final List<String> STATISTICS = List.of("loss", "imageResidual", "featureResidual");

    private final EncoderStep step;

    EncoderTrainer(EncoderStep step) {
        this.step = step;
    }

    EncoderStep encoderStep() {
        return step;
    }

    @Override
    public void load(byte[] state) {
        NetworkState.fromBytes(state).applyTo(step.encoder());
    }

    @Override
    public void step(Minibatch batch, double[] statistics) {
        double[] losses = step.step(batch.real());
        for (int i = 0; i < losses.length; i++) {
            statistics[i] += losses[i];
        }
    }

    @Override
    public TrainedState capture() {
        NetworkState state = NetworkState.capture(step.encoder());
        return new TrainedState(state.values(), new int[] {state.iterations()});
    }
}
