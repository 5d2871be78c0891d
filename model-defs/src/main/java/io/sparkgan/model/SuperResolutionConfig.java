package io.sparkgan.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.Serializable;

/**
 * What a super-resolution GAN (architecture SRGAN, after Ledig et al. 2017) adds to the model config: the scale,
 * G's size and the weights of its loss. G learns to map an image downscaled by {@link #scale} ({@link
 * BicubicResize#downscale}) back to the original; its loss is the content loss (pixels, plus the distance of the
 * dataset evaluator's convolutional features, which stand in for the paper's VGG features) plus
 * {@link #adversarialWeight} times the adversarial loss.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public final class SuperResolutionConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Upscaling factor: 2 or 4 (one or two 2x stages in G). */
    public int scale = 4;

    /** Residual blocks in G (16 in the paper; fewer train faster on small images). */
    public int blocks = 8;

    /** Channels of G's feature maps (64 in the paper). */
    public int features = 64;

    /** The pixel term of the content loss: MSE (the paper's SRResNet, best PSNR) or L1 (ESRGAN's). */
    public PixelLoss pixelLoss = PixelLoss.MSE;

    /**
     * Weight of the feature term of the content loss: the mean squared difference of the evaluator's second
     * convolution's activations (the evaluator stored with the dataset); 0 = pixels only.
     */
    public double featureWeight = 0;

    /** Weight of the adversarial term in G's loss (1e-3 in the paper); 0 trains SRResNet, the content-only G. */
    public double adversarialWeight = 1e-3;

    /**
     * Content-only pretraining: the first this many thousand images train G on the content loss alone (an SRResNet),
     * from which the adversarial phase goes on in the same run; 0 = adversarial from the start.
     */
    public double pretrainKimg = 0;

    /**
     * G adds its output to the low-resolution input upscaled by nearest neighbour and clips the sum to [-1, 1]
     * (instead of ending in tanh), so that it learns only the detail the plain upscale lacks and starts at that
     * upscale's colours (residual learning, as VDSR's global skip). On by default: on MNIST it gained 1.2-1.8 dB
     * and cut FID by 2.5-8x at the same budget, and on photographs it removed G's colour shift and border frame
     * (docs/SUPERRES.md).
     */
    public boolean inputSkip = true;

    public enum PixelLoss {
        MSE,
        L1
    }

    /** Throws IllegalArgumentException naming the offending option. */
    public void validate(int height, int width, int channels) {
        require(scale == 2 || scale == 4, "--scale must be 2 or 4, got " + scale);
        require(blocks >= 1 && features >= 1, "--sr-blocks and --sr-features must be >= 1");
        require(featureWeight >= 0 && adversarialWeight >= 0, "--feature-weight and --adversarial-weight must be >= 0");
        require(pretrainKimg >= 0, "--pretrain-kimg must be >= 0, got " + pretrainKimg);
        require(channels == 1 || channels == 3, "channels must be 1 or 3, got " + channels);
        require(
                height % scale == 0 && width % scale == 0 && height / scale >= 4 && width / scale >= 4,
                "a x" + scale + " super-resolution model needs image sides divisible by " + scale + " and at least "
                        + 4 * scale + ", got " + height + "x" + width);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
