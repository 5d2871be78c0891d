package io.sparkgan.model.losses;

/**
 * The non-saturating GAN loss (Goodfellow et al.) as binary cross-entropy on D's logit z, in its stable softplus
 * form: for a target y (1 real, 0 generated, 1 - s with one-sided label smoothing s, and 1 for G),
 * {@code y softplus(-z) + (1 - y) softplus(z)}, whose derivative is {@code sigmoid(z) - y}.
 *
 * <p>It replaces DL4J's {@code LossBinaryXENT} behind a sigmoid output layer, which clips the sigmoid to
 * [1e-5, 1 - 1e-5] and then divides by it: where D rejects a sample with sigmoid(z) below 1e-5, G's gradient
 * shrank with sigmoid(z), the very saturation this loss exists to avoid. Here G's gradient with respect to z stays
 * at sigmoid(z) - 1, about -1, however confident D is.
 */
public final class NonSaturatingLogitLoss extends PerOutputAdversarialLoss {

    private static final long serialVersionUID = 1L;

    @Override
    double term(double label, double z) {
        return label * softplus(-z) + (1 - label) * softplus(z);
    }

    @Override
    double derivative(double label, double z) {
        return sigmoid(z) - label;
    }

    /** log(1 + e^x) without overflow for large x or loss of precision for very negative x. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }

    @Override
    public String name() {
        return "NonSaturatingLogitLoss";
    }
}
