package io.sparkgan.model.training;

/**
 * What one GAN step measured: the losses of both sides (means over the batch) and D's mean output on real and
 * generated images before its update (for the non-saturating loss these are probabilities: D(x), D(G(z))).
 */
public record StepStats(double dLoss, double gLoss, double dReal, double dFake) {}
