package io.sparkgan.jobs.engine;

import java.util.List;

/**
 * The driver's step on a round's result: the weights move from where the round started by {@code rate} times the
 * workers' mean change, {@code before + rate * (mean - before)}. Rate 1 is plain parameter averaging. Above 1 it
 * makes up for what averaging loses: with Adam, each worker's step is normalised by its own noisy gradient
 * moments, so the mean of N workers' steps moves as far as one worker's in the gradient's direction, where one
 * optimizer on the N-times larger batch would move up to N times further (docs/TRAINING.md, "More workers, fewer
 * steps"). Only the spans a model names (its trained weights) move this way; the rest of the state (optimizer
 * moments, batch-norm moving statistics, moving averages) is the mean as it is.
 */
public final class OuterStep {

    private final double rate;
    private final List<long[]> spans;

    /**
     * @param rate the multiple of the mean change the weights move by
     * @param spans the {@code [from, to)} ranges of the state vector that hold trained weights
     */
    public OuterStep(double rate, List<long[]> spans) {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("the outer rate must be positive, got " + rate);
        }
        this.rate = rate;
        this.spans = List.copyOf(spans);
    }

    public double rate() {
        return rate;
    }

    /** Moves {@code mean}'s weights in place from {@code before}, the state the round started from; returns it. */
    public float[] apply(float[] before, float[] mean) {
        if (before.length != mean.length) {
            throw new IllegalArgumentException(
                    "the round started from " + before.length + " values and ended with " + mean.length);
        }
        if (rate == 1) {
            return mean;
        }
        for (long[] span : spans) {
            for (int i = Math.toIntExact(span[0]); i < span[1]; i++) {
                mean[i] = (float) (before[i] + rate * ((double) mean[i] - before[i]));
            }
        }
        return mean;
    }
}
