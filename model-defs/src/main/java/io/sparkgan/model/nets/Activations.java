package io.sparkgan.model.nets;

import java.util.Collection;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Freeing arrays that live outside DL4J's workspaces as soon as a step is done with them. */
final class Activations {

    private Activations() {}

    /** Closes the arrays that may be closed (views and workspace arrays may not); nulls are skipped. */
    static void release(Collection<INDArray> arrays) {
        for (INDArray array : arrays) {
            if (array != null && array.closeable()) {
                array.close();
            }
        }
    }
}
