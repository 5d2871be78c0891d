package io.sparkgan.model.losses;

import java.util.function.DoubleBinaryOperator;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * An adversarial loss defined term by term on D's raw outputs (its logits): every output has a term that depends
 * only on its label and its value, and an example's loss is the sum of its (masked) terms. Terms and derivatives are
 * computed in double precision from closed forms, whatever the network's data type, so no clipping or saturation
 * creeps in through a float intermediate. With several outputs (a projection D) the mask picks the label's output.
 */
abstract class PerOutputAdversarialLoss implements ILossFunction {

    private static final long serialVersionUID = 1L;

    /** The loss term of one output with value {@code z} and label {@code label}. */
    abstract double term(double label, double z);

    /** Its derivative with respect to {@code z}. */
    abstract double derivative(double label, double z);

    @Override
    public double computeScore(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        double total = computeScoreArray(labels, preOutput, activationFn, mask)
                .sumNumber()
                .doubleValue();
        return average ? total / labels.size(0) : total;
    }

    /** Per example: the sum of the (masked) terms of its outputs, [b, 1]. */
    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        double[] terms = perOutput(labels, preOutput, activationFn, this::term);
        return masked(Nd4j.create(terms, labels.shape(), 'c').castTo(preOutput.dataType()), mask)
                .sum(true, 1);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        double[] dz = perOutput(labels, preOutput, activationFn, this::derivative);
        INDArray gradient = Nd4j.create(dz, preOutput.shape(), 'c').castTo(preOutput.dataType());
        return masked(activationFn.backprop(preOutput.dup(), gradient).getFirst(), mask);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        return new Pair<>(
                computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    /** {@code f(label, output)} for every output, in double precision, row-major. */
    private static double[] perOutput(
            INDArray labels, INDArray preOutput, IActivation activationFn, DoubleBinaryOperator f) {
        double[] l = flat(labels);
        double[] z = flat(activationFn.getActivation(preOutput.dup(), true));
        double[] out = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = f.applyAsDouble(l[i], z[i]);
        }
        return out;
    }

    private static double[] flat(INDArray values) {
        return values.castTo(DataType.DOUBLE).dup('c').reshape(values.length()).toDoubleVector();
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
    public String toString() {
        return name();
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }
}
