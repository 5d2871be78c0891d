package io.sparkgan.model.training;

import io.sparkgan.model.nets.Network;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An exponential moving average of G's parameters (Karras et al.): after each G update,
 * avg <- beta avg + (1 - beta) theta, with beta set by a half-life in images, so the same half-life means the
 * same smoothing at any batch size or worker count. The averaged G makes steadier, usually better samples than the
 * G being trained; samples and evaluation use it when it is on. Batch-norm running statistics are parameters in
 * DL4J and are averaged with the rest.
 */
public final class GeneratorAverage {

    private final INDArray values;

    /** Starts at G's current parameters. */
    public GeneratorAverage(Network generator) {
        this.values = generator.params().dup();
    }

    /**
     * beta for one G update: 0.5 to the power (images per G update / half-life in images). With a ramp-up r > 0
     * the half-life is at most r times the images shown so far, so that the average forgets the random
     * initialisation quickly at the start of training.
     *
     * @param halfLifeKimg    the half-life, thousands of images
     * @param rampup          the ramp-up ratio; 0 = none
     * @param imagesPerUpdate real images D has seen between two G updates, over all workers
     * @param imagesSoFar     real images seen since the start of training, over all workers
     */
    public static double beta(double halfLifeKimg, double rampup, double imagesPerUpdate, double imagesSoFar) {
        double halfLife = halfLifeKimg * 1000;
        if (rampup > 0) {
            halfLife = Math.min(halfLife, imagesSoFar * rampup);
        }
        return Math.pow(0.5, imagesPerUpdate / Math.max(halfLife, 1e-8));
    }

    public void update(Network generator, double beta) {
        values.muli(beta).addi(generator.params().mul(1 - beta));
    }

    /** The averaged parameters (a view: writing to it changes the average). */
    public INDArray values() {
        return values;
    }

    /** Puts the averaged parameters into {@code net}, a generator of the same configuration. */
    public Network applyTo(Network net) {
        net.params().assign(values);
        return net;
    }
}
