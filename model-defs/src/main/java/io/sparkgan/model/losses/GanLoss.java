package io.sparkgan.model.losses;

import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossL2;

/**
 * The adversarial loss, expressed as what D's output layer computes and which targets each side uses. Every loss
 * works on D's raw output (a logit for the non-saturating loss), so none saturates through a clipped activation.
 * D is trained towards {@link #realTarget} on real and {@link #fakeTarget} on generated images; G is trained by
 * asking D's loss for {@link #generatorTarget} on its images and backpropagating D's input gradient.
 */
public enum GanLoss {
    /**
     * Goodfellow et al.'s non-saturating loss: D is a logistic classifier, G maximises log sigmoid(D(G(z))); computed
     * on D's logit ({@link NonSaturatingLogitLoss}).
     */
    NON_SATURATING(Activation.IDENTITY, 1.0, 0.0, 1.0, true),
    /** Hinge loss: D's linear output pushed above +1 on real and below -1 on generated images; G raises it. */
    HINGE(Activation.IDENTITY, 1.0, -1.0, 0.0, false),
    /** Least squares (Mao et al., LSGAN with a = 0, b = c = 1): D regresses 1 on real and 0 on generated images. */
    LEAST_SQUARES(Activation.IDENTITY, 1.0, 0.0, 1.0, true);

    public final Activation outputActivation;
    public final double realTarget;
    public final double fakeTarget;
    public final double generatorTarget;
    /** Whether one-sided label smoothing (a real target below 1) means anything for this loss. */
    public final boolean smoothable;

    GanLoss(
            Activation outputActivation,
            double realTarget,
            double fakeTarget,
            double generatorTarget,
            boolean smoothable) {
        this.outputActivation = outputActivation;
        this.realTarget = realTarget;
        this.fakeTarget = fakeTarget;
        this.generatorTarget = generatorTarget;
        this.smoothable = smoothable;
    }

    public ILossFunction lossFunction() {
        return switch (this) {
            case NON_SATURATING -> new NonSaturatingLogitLoss();
            case HINGE -> new HingeAdversarialLoss();
            // L2, not MSE: MSE divides by the outputs, which would scale a projection D's loss by 1/classes
            case LEAST_SQUARES -> new LossL2();
        };
    }

    /**
     * D's output as reported in the training metrics (D(x), D(G(z))), from its raw output: the probability of
     * "real" for the non-saturating loss, the raw output for the others.
     */
    public double reported(double rawOutput) {
        return this == NON_SATURATING ? NonSaturatingLogitLoss.sigmoid(rawOutput) : rawOutput;
    }

    /** The name used by {@code --loss}: ns, hinge, ls. */
    public String flag() {
        return switch (this) {
            case NON_SATURATING -> "ns";
            case HINGE -> "hinge";
            case LEAST_SQUARES -> "ls";
        };
    }

    /** The loss a {@code --loss} value names. */
    public static GanLoss ofFlag(String flag) {
        for (GanLoss loss : values()) {
            if (loss.flag().equalsIgnoreCase(flag) || loss.name().equalsIgnoreCase(flag)) {
                return loss;
            }
        }
        throw new IllegalArgumentException("--loss must be ns, hinge or ls, got '" + flag + "'");
    }
}
