package io.sparkgan.model;

import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;

/**
 * The adversarial loss, expressed as what D's output layer computes and which targets each side uses.
 * D is trained towards {@link #realTarget} on real and {@link #fakeTarget} on generated images; G is trained by
 * asking D's loss for {@link #generatorTarget} on its images and backpropagating D's input gradient.
 */
public enum GanLoss {
    /** Goodfellow et al.'s non-saturating loss: D is a sigmoid classifier, G maximises log D(G(z)). */
    NON_SATURATING(Activation.SIGMOID, 1.0, 0.0, 1.0);

    public final Activation outputActivation;
    public final double realTarget;
    public final double fakeTarget;
    public final double generatorTarget;

    GanLoss(Activation outputActivation, double realTarget, double fakeTarget, double generatorTarget) {
        this.outputActivation = outputActivation;
        this.realTarget = realTarget;
        this.fakeTarget = fakeTarget;
        this.generatorTarget = generatorTarget;
    }

    public ILossFunction lossFunction() {
        return new LossBinaryXENT();
    }
}
