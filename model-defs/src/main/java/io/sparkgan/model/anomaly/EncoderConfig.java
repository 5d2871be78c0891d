package io.sparkgan.model.anomaly;

/**
 * How the f-AnoGAN encoder is trained and scores (Schlegl et al. 2019, "izi_f"): the loss and the score are the
 * image residual plus {@code kappa} times the residual of D's features. The optimizer is Adam with the DCGAN
 * recipe's betas, at a smaller rate than the GAN's: the encoder chases a fixed target, so nothing has to keep pace
 * with an adversary.
 */
public final class EncoderConfig {

    /** Weight of the D-feature residual in the loss and in the score (f-AnoGAN's kappa). */
    public double kappa = 1.0;

    /** Adam's learning rate and betas for the encoder. */
    public double lr = 1e-4;

    public double beta1 = 0.5;
    public double beta2 = 0.999;

    /** Seed of the encoder's initial weights. */
    public long seed = 42;

    /** Throws IllegalArgumentException naming the option at fault. */
    public void validate() {
        if (!(kappa >= 0) || !Double.isFinite(kappa)) {
            throw new IllegalArgumentException("--kappa must be >= 0, got " + kappa);
        }
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        }
    }
}
