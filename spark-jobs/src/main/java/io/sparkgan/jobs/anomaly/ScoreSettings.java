package io.sparkgan.jobs.anomaly;

import java.io.Serializable;

/**
 * How images are scored. {@code encoder}: f-AnoGAN, z = E(x) in one pass, score A_R + kappa A_D (kappa is the
 * encoder's). {@code latent}: AnoGAN, z optimised per image for {@code iterations} Adam steps of rate {@code lr}
 * from E(x) ({@code fromEncoder}) or from noise drawn from (seed, image id), score (1 - lambda) A_R + lambda A_D.
 */
public record ScoreSettings(
        String method, double kappa, int iterations, double lambda, double lr, boolean fromEncoder, long seed)
        implements Serializable {

    public boolean encoderMethod() {
        return method.equals("encoder");
    }

    public void validate() {
        if (!method.equals("encoder") && !method.equals("latent")) {
            throw new IllegalArgumentException("--method must be encoder or latent, got '" + method + "'");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("--iterations must be >= 1, got " + iterations);
        }
        if (!(lambda > 0 && lambda < 1)) {
            throw new IllegalArgumentException("--lambda must be in (0, 1), got " + lambda);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("--latent-lr must be > 0, got " + lr);
        }
    }
}
