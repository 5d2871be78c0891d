package io.sparkgan.model.training;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A term of G's loss besides the adversarial one, such as super-resolution's content loss: {@link GanStep} adds its
 * gradient to the one that comes back from D before backpropagating through G.
 */
public interface GeneratorObjective {

    /**
     * The gradient with respect to G's output {@code generated} of the term summed over the batch (G's updater
     * divides by the batch size, as for D's input gradient).
     */
    INDArray gradient(INDArray generated);
}
