package io.sparkgan.model;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The hinge GAN loss (Lim and Ye; Miyato et al.) as one DL4J loss function on D's output, so that D's output layer
 * serves both players as with the other losses. The label says which term applies:
 * <ul>
 *   <li>+1 (D on real images): max(0, 1 - D(x))</li>
 *   <li>-1 (D on generated images): max(0, 1 + D(G(z)))</li>
 *   <li>0 (G): -D(G(z))</li>
 * </ul>
 * D's output is linear (the activation is applied all the same, for generality). With several outputs (a
 * projection D) each is a term of its own and the mask picks the label's.
 */
public final class HingeAdversarialLoss implements ILossFunction {

    private static final long serialVersionUID = 1L;

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        double total = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? total / labels.size(0) : total;
    }

    /** Per example: the sum of the (masked) terms of its outputs, [b, 1]. */
    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        double[] l = flat(labels);
        double[] y = flat(activationFn.getActivation(preOutput.dup(), true));
        double[] score = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            score[i] = l[i] == 0 ? -y[i] : Math.max(0, 1 - l[i] * y[i]);
        }
        INDArray terms = Nd4j.create(score, labels.shape(), 'c').castTo(preOutput.dataType());
        return masked(terms, mask).sum(true, 1);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        double[] l = flat(labels);
        double[] y = flat(activationFn.getActivation(preOutput.dup(), true));
        double[] dy = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            dy[i] = l[i] == 0 ? -1 : (1 - l[i] * y[i] > 0 ? -l[i] : 0);
        }
        INDArray gradient = Nd4j.create(dy, preOutput.shape(), 'c').castTo(preOutput.dataType());
        return masked(activationFn.backprop(preOutput.dup(), gradient).getFirst(), mask);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                          IActivation activationFn, INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    private static double[] flat(INDArray values) {
        return values.dup('c').reshape(values.length()).toDoubleVector();
    }

    /** Masks per example ([b, 1]) or per output ([b, outputs], as a projection D's label mask is). */
    private static INDArray masked(INDArray values, INDArray mask) {
        if (mask == null) {
            return values;
        }
        INDArray m = mask.castTo(values.dataType());
        return m.size(1) == values.size(1) ? values.muli(m) : values.muliColumnVector(m);
    }

    @Override
    public String name() {
        return "HingeAdversarialLoss";
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HingeAdversarialLoss;
    }

    @Override
    public int hashCode() {
        return HingeAdversarialLoss.class.hashCode();
    }
}
