package io.sparkgan.model.anomaly;

import io.sparkgan.model.nets.Network;
import org.deeplearning4j.nn.gradient.Gradient;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One training step of the f-AnoGAN encoder ("izi_f"): E maps real images x to z, the frozen G reconstructs them,
 * and E is updated on L(x) = A_R + kappa A_D, the image residual plus kappa times the residual of D's features
 * ({@link FrozenGan}), averaged over the batch. The gradient reaches E through G's (and D's) input gradients.
 */
public final class EncoderStep {

    private final Network encoder;
    private final FrozenGan gan;
    private final double kappa;

    public EncoderStep(Network encoder, FrozenGan gan, EncoderConfig config) {
        this.encoder = encoder;
        this.gan = gan;
        this.kappa = config.kappa;
    }

    public Network encoder() {
        return encoder;
    }

    /** The batch means of the loss and its two residuals before the update: {loss, A_R, A_D}. */
    public double[] step(INDArray images) {
        INDArray z = encoder.forwardForTraining(images);
        FrozenGan.Residuals residuals = gan.residuals(images, z, kappa);
        // E's updater divides by the batch size: the gradient of the batch's sum gives the mean's step
        Gradient gradient = encoder.backprop(residuals.latentGradient());
        encoder.applyUpdate(gradient, (int) images.size(0));
        encoder.releaseActivations();
        double image = mean(residuals.image());
        double features = mean(residuals.features());
        return new double[] {image + kappa * features, image, features};
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
