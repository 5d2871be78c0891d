package io.sparkgan.jobs.engine;

import java.io.Serializable;

/**
 * What every worker needs to know about a round besides the state: which local steps it covers (global step
 * numbers, so that minibatches depend only on the seed, the partition and the step), the shape of the data
 * ({@code flat}: each sample as a vector of its h*w*c values, for an MLP on low-dimensional data), the classes of
 * labelled data that the trainer uses (0 when it uses none), the threads per task, and the trainer with this
 * round's settings ({@link TrainerSpec}).
 */
public record RoundPlan(
        long seed,
        long firstStep,
        int steps,
        int batch,
        int height,
        int width,
        int channels,
        boolean flat,
        int labelClasses,
        int threads,
        TrainerSpec trainer)
        implements Serializable {}
