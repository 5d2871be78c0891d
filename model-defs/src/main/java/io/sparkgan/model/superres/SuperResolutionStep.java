package io.sparkgan.model.superres;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.training.GanStep;
import io.sparkgan.model.training.StepStats;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One super-resolution training step on one machine. The high-resolution batch is cut to the model's patch size
 * (a random crop per image when the images are larger), downscaled ({@link BicubicResize#downscale}) to G's input,
 * and G is trained to give the patch back: in the content phase on the {@link ContentLoss} alone (SRResNet; D is
 * left alone), in the adversarial phase by a {@link GanStep} (D on the originals against G's images, then G on the
 * content loss plus the weighted adversarial loss).
 */
public final class SuperResolutionStep {

    private final GanStep adversarial;
    private final ContentLoss content;
    private final int scale;
    private final int patchHeight;
    private final int patchWidth;

    /** {@code features}: the feature network of the content loss ({@link ContentLoss#featureNetwork}), or null. */
    public SuperResolutionStep(
            Network generator, Network discriminator, GanModelConfig config, MultiLayerNetwork features) {
        this.adversarial = new GanStep(generator, discriminator, config);
        this.content = new ContentLoss(config.superResolution, features);
        this.scale = config.superResolution.scale;
        this.patchHeight = config.height;
        this.patchWidth = config.width;
    }

    /** What one step measured: the GAN step's figures (NaN for D's in the content phase) and the content terms. */
    public record Stats(StepStats gan, double pixel, double features) {}

    public GanStep ganStep() {
        return adversarial;
    }

    /**
     * One step on {@code images} [b, C, H, W] (H, W at least the patch size); {@code seed} draws the crops and D's
     * augmentations.
     */
    public Stats step(INDArray images, long seed, boolean adversarialPhase) {
        SplittableRandom random = new SplittableRandom(seed);
        INDArray highRes = crop(images, patchHeight, patchWidth, random);
        INDArray lowRes = BicubicResize.downscale(highRes, scale);
        content.setTarget(highRes);
        StepStats gan;
        if (adversarialPhase) {
            gan = adversarial.step(highRes, lowRes, null, random.nextLong(), true, content);
        } else {
            Network generator = adversarial.generator();
            INDArray generated = generator.forwardForTraining(lowRes);
            generator.applyUpdate(generator.backprop(content.gradient(generated)), (int) highRes.size(0));
            generator.releaseActivations();
            gan = new StepStats(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] terms = content.last();
        return new Stats(gan, terms[0], terms[1]);
    }

    /** A random {@code h} x {@code w} crop of each image (the images themselves when they are that size). */
    static INDArray crop(INDArray images, int h, int w, SplittableRandom random) {
        long height = images.size(2);
        long width = images.size(3);
        if (height == h && width == w) {
            return images;
        }
        INDArray out = Nd4j.create(images.dataType(), images.size(0), images.size(1), h, w);
        for (int i = 0; i < images.size(0); i++) {
            int top = random.nextInt((int) (height - h + 1));
            int left = random.nextInt((int) (width - w + 1));
            out.get(NDArrayIndex.point(i))
                    .assign(images.get(
                            NDArrayIndex.point(i),
                            NDArrayIndex.all(),
                            NDArrayIndex.interval(top, top + h),
                            NDArrayIndex.interval(left, left + w)));
        }
        return out;
    }
}
