package io.sparkgan.jobs.engine;

/**
 * What the engine runs on each partition: a model's own training step on one machine. The engine loads the
 * round's state into it, feeds it the partition's minibatches for the round's steps, and averages what it
 * captures afterwards over the workers. Instances are pooled per executor JVM ({@link TrainerPool}) and reused
 * across rounds, so everything a round changes must come in through {@link #load} and {@link TrainerSpec#configure}.
 */
public interface LocalTrainer {

    /** Sets the model's state to the driver's (the bytes of {@link TrainerSpec}'s state format). */
    void load(byte[] state);

    /**
     * One local step on {@code batch}; adds what it measured to {@code statistics}, one column per name of
     * {@link TrainerSpec#statisticNames()} (sums over steps: the driver divides).
     */
    void step(Minibatch batch, double[] statistics);

    /** The state after the round's steps. */
    TrainedState capture();

    /**
     * A trainer's state as the engine combines it: {@code values} are averaged over the workers weighted by their
     * examples (parameters and optimizer state), {@code counters} take their maximum (iteration counts).
     */
    record TrainedState(float[] values, int[] counters) {}
}
