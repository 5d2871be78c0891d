package io.sparkgan.jobs.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One local step's data: the real samples in [-1, 1] ([b, C, H, W], or [b, H*W*C] for flat data), their one-hot
 * labels (null unless the plan asks for labels), and the partition and global step they are for (from which a
 * trainer derives whatever else the step draws, such as a GAN's noise).
 */
public record Minibatch(INDArray real, INDArray labels, int partition, long step) implements AutoCloseable {

    /** Frees the arrays at once rather than at some later garbage collection. */
    @Override
    public void close() {
        for (INDArray array : new INDArray[] {real, labels}) {
            if (array != null && array.closeable()) {
                array.close();
            }
        }
    }
}
