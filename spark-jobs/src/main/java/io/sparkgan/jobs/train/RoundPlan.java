package io.sparkgan.jobs.train;

import java.io.Serializable;

/**
 * What every worker needs to know about a round besides the state: which local steps it covers (global step
 * numbers, so that minibatches and noise depend only on the seed, the partition and the step), the shapes, and
 * the real images one step shows over all workers (what the moving average of G counts its half-life in), and the
 * classes of a conditional model (0 for an unconditional one). {@code flat}: the networks take each sample as a
 * vector of its h*w*c values (an MLP on low-dimensional data) rather than as an image. {@code architectureJson} is
 * the model without its learning rates (what the executors build and pool networks by); the round's rates travel
 * as {@code lrG} and {@code lrD} and are set on the pooled networks, so a rollback changes no network.
 */
record RoundPlan(long seed, long firstStep, int steps, int batch, int height, int width, int channels, boolean flat,
                 int latentSize, int dSteps, long imagesPerStep, int labelClasses, String architectureJson,
                 double lrG, double lrD, int threads)
        implements Serializable {
}
