package io.sparkgan.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.model.augment.DiffAugment;
import io.sparkgan.model.losses.GanLoss;
import java.io.Serializable;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the networks and their optimizers look like. Every field has a documented default (the DCGAN recipe of
 * Radford et al.: Adam 2e-4, beta1 0.5, N(0, 0.02) weights); a JSON/YAML file or flags override single fields.
 * Plain public fields so that Jackson reads and writes it without ceremony and configs diff well in run.json.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public final class GanModelConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Network family: DCGAN (Radford et al., 4x4 stride-2 layers), DCGAN_K5 (the 5x5 DCGAN of the TensorFlow
     * tutorial) or DCGAN_RESIDUAL (the DCGAN with a residual block in G, a graph) for images, small MLPs for
     * low-dimensional toy data, SRGAN for super-resolution (G maps a downscaled image back: {@link
     * #superResolution}). See {@link io.sparkgan.model.nets.GanNetworks}.
     */
    public Architecture architecture = Architecture.DCGAN;

    /**
     * Image shape (DCGAN; for SRGAN, of the high-resolution training images). Sides must be multiples of 4. 0 = taken
     * from the training dataset.
     */
    public int height;

    public int width;
    public int channels;

    /** Dimension of the toy data points (MLP). */
    public int dataDim = 2;

    /** Size of the latent vector z ~ N(0, I). */
    public int latentSize = 100;

    /**
     * DCGAN, DCGAN_K5: channels of G's last hidden layer and D's first; they double at each 2x down-scaling.
     */
    public int baseWidth = 64;

    /** DCGAN: batch normalisation in G's hidden layers and D's hidden layers after the first. */
    public boolean batchNorm = true;

    /** MLP: hidden units per layer and number of hidden layers (same for G and D). */
    public int mlpHidden = 128;

    public int mlpLayers = 2;

    /**
     * Class-conditional GAN: G takes (z, one-hot label), D judges (image, label) as {@link #conditioning} says.
     * Needs a labelled dataset.
     */
    public boolean conditional = false;

    /** Classes of a conditional model; the trainer takes it from the dataset's manifest. */
    public int classes = 0;

    /**
     * How a conditional D is given the label ({@link Conditioning}). BOTH by default: on MNIST at 160 kimg it put
     * 94.3% of samples in the class asked for (INPUT alone 86.5%, PROJECTION alone 95.1% with lower recall).
     */
    public Conditioning conditioning = Conditioning.BOTH;

    /** Adversarial loss: non-saturating (default), hinge or least squares. */
    public GanLoss loss = GanLoss.NON_SATURATING;

    /**
     * Half-life of the moving average of G's weights, in thousands of images
     * ({@link io.sparkgan.model.training.GeneratorAverage}); samples and evaluation use the averaged G. 0 = no average.
     */
    public double emaKimg = 0;

    /** Ramp-up of that half-life: at most this times the images shown so far (e.g. 0.05); 0 = none. */
    public double emaRampup = 0;

    /** D updates per G update (each on its own real batch and noise); 1 = alternate. */
    public int dSteps = 1;

    /** One-sided label smoothing: D's target on real images is lowered by this much (e.g. 0.1); 0 = off. */
    public double labelSmoothing = 0;

    /**
     * PacGAN (Lin et al. 2018): D judges packs of this many samples of one kind (all real or all generated) stacked
     * along the channels, so that a G that covers few modes (and so makes similar samples) is easier to tell
     * apart. Batches must be multiples of it; unconditional models only. 1 = off.
     */
    public int pack = 1;

    /** SRGAN only (null otherwise): the scale, G's size and the content and adversarial weights. */
    @JsonInclude(JsonInclude.Include.NON_NULL) // GAN configs stay as earlier versions wrote them
    public SuperResolutionConfig superResolution;

    /** Differentiable augmentation of every image D sees ({@link DiffAugment}); empty = none. */
    public Set<DiffAugment.Kind> augment = EnumSet.noneOf(DiffAugment.Kind.class);

    /** Optimizer of both networks: ADAM (default) or SGD (plain, used by the parameter-averaging oracle). */
    public OptimizerKind optimizer = OptimizerKind.ADAM;

    public double lrG = 2e-4;
    public double lrD = 2e-4;
    public double beta1 = 0.5;
    public double beta2 = 0.999;

    /** Seed of the weight initialisation (G uses seed, D seed + 1). */
    public long seed = 42;

    public enum Architecture {
        DCGAN,
        DCGAN_K5,
        DCGAN_RESIDUAL,
        MLP,
        SRGAN;

        public boolean convolutional() {
            return this != MLP;
        }

        /** Whether G generates from noise (every architecture but SRGAN, whose G takes an image). */
        public boolean generative() {
            return this != SRGAN;
        }
    }

    public enum OptimizerKind {
        ADAM,
        SGD
    }

    /**
     * Where a conditional D meets the label. INPUT: constant label planes next to the image (a concatenation
     * discriminator). PROJECTION: D has one output per class and judges an image by the output of its label
     * (the projection discriminator of Miyato and Koyama with one-hot class embeddings: a shared linear head plus
     * a per-class one is the same family). BOTH: the two together.
     */
    public enum Conditioning {
        INPUT(true, false),
        PROJECTION(false, true),
        BOTH(true, true);

        public final boolean input;
        public final boolean projection;

        Conditioning(boolean input, boolean projection) {
            this.input = input;
            this.projection = projection;
        }

        /** The conditioning a {@code --conditioning} value names: input, projection or both. */
        public static Conditioning ofFlag(String flag) {
            for (Conditioning c : values()) {
                if (c.name().equalsIgnoreCase(flag)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("--conditioning must be input, projection or both, got '" + flag + "'");
        }
    }

    public static GanModelConfig dcgan(int height, int width, int channels) {
        GanModelConfig c = new GanModelConfig();
        c.height = height;
        c.width = width;
        c.channels = channels;
        return c;
    }

    /** A super-resolution GAN for high-resolution images of this shape, upscaling by {@code scale}. */
    public static GanModelConfig superResolution(int height, int width, int channels, int scale) {
        GanModelConfig c = dcgan(height, width, channels);
        c.architecture = Architecture.SRGAN;
        c.superResolution = new SuperResolutionConfig();
        c.superResolution.scale = scale;
        return c;
    }

    public static GanModelConfig mlp(int dataDim, int latentSize) {
        GanModelConfig c = new GanModelConfig();
        c.architecture = Architecture.MLP;
        c.dataDim = dataDim;
        c.latentSize = latentSize;
        return c;
    }

    /** Shape of one real sample as the networks see it: [C, H, W] for DCGAN, [dataDim] for MLP. */
    public long[] sampleShape() {
        return architecture.convolutional() ? new long[] {channels, height, width} : new long[] {dataDim};
    }

    /** Width of the label input of both networks: the classes of a conditional model, else 0. */
    public int labelWidth() {
        return conditional ? classes : 0;
    }

    /** G's input: z, then the one-hot label of a conditional model. */
    public int generatorInputSize() {
        return latentSize + labelWidth();
    }

    /** Width of D's label input: the classes of a conditional model whose labels enter D's input, else 0. */
    public int discriminatorLabelWidth() {
        return conditional && conditioning.input ? classes : 0;
    }

    /** D's input channels: the images' of a pack, then one constant plane per class when labels enter D's input. */
    public int discriminatorChannels() {
        return channels * pack + discriminatorLabelWidth();
    }

    /** D's input width for an MLP: the values of a pack's samples, then the label. */
    public int discriminatorInputSize() {
        return dataDim * pack + discriminatorLabelWidth();
    }

    /** D's outputs: one per class for a projection discriminator, else one. */
    public int discriminatorOutputs() {
        return conditional && conditioning.projection ? classes : 1;
    }

    /** Throws IllegalArgumentException naming the offending field. */
    public void validate() {
        validateHyperparameters();
        if (architecture == Architecture.SRGAN) {
            require(superResolution != null, "an SRGAN model needs its super-resolution settings");
            superResolution.validate(height, width, channels);
            require(!conditional && pack == 1, "an SRGAN model is neither conditional nor packed");
        } else if (architecture.convolutional()) {
            require(
                    height >= 8 && width >= 8 && height % 4 == 0 && width % 4 == 0,
                    "DCGAN image sides must be multiples of 4 and at least 8, got " + height + "x" + width);
            require(channels == 1 || channels == 3, "channels must be 1 or 3, got " + channels);
        }
        require(
                !conditional || classes >= 2,
                "--conditional needs a labelled dataset of at least 2 classes, got " + classes);
    }

    /** Everything but the image shape, which a trainer may still have to take from its dataset. */
    public void validateHyperparameters() {
        require(latentSize > 0, "latentSize must be > 0, got " + latentSize);
        require(lrG > 0 && lrD > 0, "learning rates must be > 0, got lrG=" + lrG + " lrD=" + lrD);
        require(baseWidth > 0, "baseWidth must be > 0, got " + baseWidth);
        require(emaKimg >= 0 && emaRampup >= 0, "--ema-kimg and --ema-rampup must be >= 0");
        require(dSteps >= 1, "--d-steps must be >= 1, got " + dSteps);
        require(pack >= 1, "--pack must be >= 1, got " + pack);
        require(pack == 1 || !conditional, "--pack needs an unconditional model (a pack mixes classes)");
        require(
                labelSmoothing >= 0 && labelSmoothing < 0.5,
                "--label-smoothing must be in [0, 0.5), got " + labelSmoothing);
        require(
                labelSmoothing == 0 || loss.smoothable,
                "--label-smoothing does not apply to the " + loss.flag() + " loss");
        require(augment.isEmpty() || architecture.convolutional(), "--augment needs images (a DCGAN architecture)");
        if (architecture == Architecture.MLP) {
            require(dataDim > 0 && mlpHidden > 0 && mlpLayers > 0, "MLP needs dataDim, mlpHidden and mlpLayers > 0");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * A model config as stored by an earlier version, brought up to date: runs and checkpoints written before
     * {@code conditioning} existed had labels in D's input only, so a stored config without the field means INPUT
     * (the field's default, BOTH, is for new runs).
     */
    public static JsonNode upgradeStored(JsonNode stored) {
        if (stored instanceof ObjectNode node && !node.has("conditioning")) {
            node.put("conditioning", Conditioning.INPUT.name());
        }
        return stored;
    }

    public GanModelConfig copy() {
        return Json.MAPPER.convertValue(this, GanModelConfig.class);
    }
}
