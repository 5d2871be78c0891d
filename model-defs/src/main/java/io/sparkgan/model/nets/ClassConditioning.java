package io.sparkgan.model.nets;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * How a class-conditional GAN sees labels: G's input is z followed by the one-hot label; D's input is the sample
 * followed by the label, as one constant plane per class for images [b, C, H, W] (a concatenation discriminator)
 * or as extra inputs for vectors [b, d]. G's gradient is the part of D's input gradient that belongs to the
 * sample: the label planes are not G's to change.
 */
public final class ClassConditioning {

    private ClassConditioning() {}

    /** One-hot rows [n, classes] of labels in [0, classes). */
    public static INDArray oneHot(int[] labels, int classes, DataType dataType) {
        INDArray out = Nd4j.zeros(dataType, labels.length, classes);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " outside [0, " + classes + ")");
            }
            out.putScalar(i, labels[i], 1);
        }
        return out;
    }

    /** z, or z followed by the one-hot labels. */
    public static INDArray generatorInput(INDArray z, INDArray oneHot) {
        return oneHot == null ? z : Nd4j.concat(1, z, oneHot.castTo(z.dataType()));
    }

    /** The samples, or the samples followed by the labels (as constant planes for images). */
    public static INDArray discriminatorInput(INDArray samples, INDArray oneHot) {
        if (oneHot == null) {
            return samples;
        }
        INDArray labels = oneHot.castTo(samples.dataType());
        if (samples.rank() == 2) {
            return Nd4j.concat(1, samples, labels);
        }
        long n = samples.size(0);
        INDArray planes =
                labels.reshape(n, labels.size(1), 1, 1).broadcast(n, labels.size(1), samples.size(2), samples.size(3));
        return Nd4j.concat(1, samples, planes);
    }

    /** The sample part of a gradient with respect to D's input (the first {@code sampleWidth} channels or columns). */
    public static INDArray sampleGradient(INDArray inputGradient, INDArray oneHot, long sampleWidth) {
        if (oneHot == null) {
            return inputGradient;
        }
        return inputGradient.rank() == 2
                ? inputGradient
                        .get(NDArrayIndex.all(), NDArrayIndex.interval(0, sampleWidth))
                        .dup()
                : inputGradient
                        .get(
                                NDArrayIndex.all(),
                                NDArrayIndex.interval(0, sampleWidth),
                                NDArrayIndex.all(),
                                NDArrayIndex.all())
                        .dup();
    }
}
