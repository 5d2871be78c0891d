package io.sparkgan.model.perf;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Max;
import org.nd4j.linalg.factory.Nd4j;

/**
 * LeakyReLU, max(x, alpha x), written with ND4J's vectorised element-wise ops.
 *
 * <p>ND4J 1.0.0-M2.1's own LeakyReLU runs a per-element scalar kernel and its derivative a per-element
 * {@code std::function}, several times slower than the same results from multiply/max and step/multiply-add
 * (docs/PERFORMANCE.md). Results are bit-identical to {@code ActivationLReLU}, except that the slope at exactly 0 is alpha
 * (as in PyTorch) where ND4J takes 1.
 */
public final class VectorisedLeakyReLU extends BaseActivationFunction {

    private double alpha;

    /** For JSON deserialisation of network configurations. */
    public VectorisedLeakyReLU() {
        this(0.01);
    }

    public VectorisedLeakyReLU(double alpha) {
        this.alpha = alpha;
    }

    public double getAlpha() {
        return alpha;
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        INDArray scaled = Nd4j.exec(new ScalarMultiplication(in, null, in.ulike(), alpha));
        Nd4j.exec(new Max(in, scaled, in));
        return in;
    }

    /** dL/dz = epsilon * (z > 0 ? 1 : alpha), computed in place of {@code in}, as IActivation allows. */
    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        Nd4j.exec(new Step(in, in, 0.0));
        in.muli(1 - alpha).addi(alpha).muli(epsilon);
        return new Pair<>(in, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VectorisedLeakyReLU other && other.alpha == alpha;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(alpha);
    }

    @Override
    public String toString() {
        return "leakyrelu(a=" + alpha + ")";
    }
}
