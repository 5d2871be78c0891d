package io.sparkgan.model.anomaly;

import io.sparkgan.model.nets.Network;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Anomaly scores of images against a GAN trained on normal data only: the higher, the less G can reproduce the
 * image. Each score comes with its two components, the image residual A_R and the D-feature residual A_D
 * ({@link FrozenGan}).
 */
public final class AnomalyScores {

    private AnomalyScores() {}

    /** One image's score and its components. */
    public record Score(double score, double imageResidual, double featureResidual) {}

    /** f-AnoGAN: z = E(x) in one pass, score A_R + kappa A_D. */
    public static Score[] encoder(Network encoder, FrozenGan gan, INDArray images, double kappa) {
        FrozenGan.Residuals residuals = gan.residuals(images, encoder.output(images), null);
        Score[] scores = new Score[residuals.image().length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = new Score(
                    residuals.image()[i] + kappa * residuals.features()[i],
                    residuals.image()[i],
                    residuals.features()[i]);
        }
        return scores;
    }

    /**
     * AnoGAN: z optimised for each image from {@code start} by Adam (rate {@code lr}, betas 0.9/0.999) on
     * (1 - lambda) A_R + lambda A_D for {@code iterations} steps; the score is that loss at the final z. Every term
     * belongs to one image and Adam acts element-wise, so a batch gives the same scores as each image alone.
     */
    public static Score[] latentOptimisation(
            FrozenGan gan, INDArray images, INDArray start, int iterations, double lambda, double lr) {
        INDArray z = optimisedLatents(gan, images, start, iterations, lambda, lr);
        FrozenGan.Residuals residuals = gan.residuals(images, z, null);
        Score[] scores = new Score[residuals.image().length];
        for (int i = 0; i < scores.length; i++) {
            double image = residuals.image()[i];
            double features = residuals.features()[i];
            scores[i] = new Score((1 - lambda) * image + lambda * features, image, features);
        }
        return scores;
    }

    /** The latent vectors AnoGAN's search ends at (see {@link #latentOptimisation}). */
    public static INDArray optimisedLatents(
            FrozenGan gan, INDArray images, INDArray start, int iterations, double lambda, double lr) {
        if (lambda <= 0 || lambda >= 1) {
            throw new IllegalArgumentException("lambda must be in (0, 1), got " + lambda);
        }
        INDArray z = start.dup();
        INDArray m = z.ulike();
        INDArray v = z.ulike();
        // the gradient of sum_i (A_R + kappa A_D) with kappa = lambda / (1 - lambda) is the loss's / (1 - lambda)
        double kappa = lambda / (1 - lambda);
        for (int t = 1; t <= iterations; t++) {
            INDArray g = gan.residuals(images, z, kappa).latentGradient().muli(1 - lambda);
            m.muli(0.9).addi(g.mul(0.1));
            v.muli(0.999).addi(g.mul(g).muli(0.001));
            INDArray mHat = m.div(1 - Math.pow(0.9, t));
            INDArray vHat = v.div(1 - Math.pow(0.999, t));
            z.subi(mHat.muli(lr).divi(Transforms.sqrt(vHat, false).addi(1e-8)));
        }
        return z;
    }
}
