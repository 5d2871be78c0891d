package io.sparkgan.jobs.train;

import io.sparkgan.jobs.engine.LocalTrainer;
import io.sparkgan.model.state.GanState;
import io.sparkgan.model.training.GanStep;
import java.util.List;

/**
 * What every local trainer of a G and D pair shares (the GAN's, the SRGAN's): the statistics each step adds up first,
 * which the round's metrics line reads, and the state the engine averages, {@link GanState}'s bytes with G's and
 * D's iteration counts as counters.
 */
public final class PairTrainers {

    /** The statistics a pair's step adds up, before any of the model's own. */
    public static final List<String> STATISTICS = List.of("dLoss", "gLoss", "dReal", "dFake", "gSteps");

    public static final int D_LOSS = 0;
    public static final int G_LOSS = 1;
    public static final int D_REAL = 2;
    public static final int D_FAKE = 3;
    /** Steps that also updated G (all of them unless D takes several steps per G step). */
    public static final int G_STEPS = 4;

    private PairTrainers() {}

    /** Sets a step's G, D and average to a {@link GanState}'s bytes. */
    public static void load(GanStep step, byte[] state) {
        GanState.fromBytes(state).applyTo(step.generator(), step.discriminator(), step.average());
    }

    /** A step's state as the engine averages it; the counters are G's and D's iterations. */
    public static LocalTrainer.TrainedState capture(GanStep step) {
        GanState state = GanState.capture(step.generator(), step.discriminator(), step.average());
        return new LocalTrainer.TrainedState(
                state.values(), new int[] {state.generatorIterations(), state.discriminatorIterations()});
    }
}
