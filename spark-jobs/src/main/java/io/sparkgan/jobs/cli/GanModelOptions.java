package io.sparkgan.jobs.cli;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.augment.DiffAugment;
import io.sparkgan.model.losses.GanLoss;
import picocli.CommandLine.Option;

/**
 * The options of train (and retrain) that set the GAN: architecture, size, loss, learning rates, conditioning,
 * augmentation and EMA. Each applies what was given, and only that, in {@link #applyTo}.
 */
final class GanModelOptions {

    @Option(names = "--lr-g", paramLabel = "LR", description = "generator learning rate (default 2e-4)")
    Double lrG;

    @Option(names = "--lr-d", paramLabel = "LR", description = "discriminator learning rate (default 2e-4)")
    Double lrD;

    @Option(
            names = "--conditional",
            description = "class-conditional GAN on a labelled dataset: G(z, label),"
                    + " D(image, label); sample grids get one row per class")
    Boolean conditional;

    @Option(
            names = "--conditioning",
            paramLabel = "input|projection|both",
            description = "how a conditional D gets the label: input planes, a per-class output (projection),"
                    + " or both (default both)")
    String conditioning;

    @Option(
            names = "--ema-kimg",
            paramLabel = "K",
            description = "half-life of the moving average of G's weights in kimg, used for samples and evaluation"
                    + " (default 0 = off)")
    Double emaKimg;

    @Option(
            names = "--ema-rampup",
            paramLabel = "R",
            description = "ramp-up of that half-life: at most R times the images shown so far (default 0 = none)")
    Double emaRampup;

    @Option(
            names = "--d-steps",
            paramLabel = "K",
            description = "D updates per G update (default 1); --averaging-every counts D updates")
    Integer dSteps;

    @Option(
            names = "--pack",
            paramLabel = "P",
            description = "PacGAN: D judges packs of P samples stacked along the channels, which counters mode"
                    + " dropping (unconditional models; default 1 = off)")
    Integer pack;

    @Option(
            names = "--loss",
            paramLabel = "ns|hinge|ls",
            description = "adversarial loss: non-saturating (default), hinge, least squares")
    String loss;

    @Option(
            names = "--label-smoothing",
            paramLabel = "S",
            description = "one-sided: D's target on real images is 1 - S (ns and ls losses; default 0)")
    Double labelSmoothing;

    @Option(
            names = "--augment",
            paramLabel = "POLICY",
            description = "differentiable augmentation of every image D sees, real and generated: any of"
                    + " color,translation,cutout, or none (default)")
    String augment;

    @Option(
            names = "--architecture",
            paramLabel = "A",
            description = "DCGAN (default, Radford et al.), DCGAN_K5 (the TensorFlow tutorial's 5x5 DCGAN),"
                    + " DCGAN_RESIDUAL (the DCGAN with a residual block in G); SRGAN is --model srgan")
    GanModelConfig.Architecture architecture;

    @Option(names = "--latent", paramLabel = "N", description = "latent size (default 100)")
    Integer latent;

    @Option(names = "--base-width", paramLabel = "N", description = "DCGAN base channel width (default 64)")
    Integer baseWidth;

    /** Sets the given options on {@code model}. */
    void applyTo(GanModelConfig model) {
        if (lrG != null) model.lrG = lrG;
        if (lrD != null) model.lrD = lrD;
        if (conditional != null) model.conditional = conditional;
        if (conditioning != null) model.conditioning = GanModelConfig.Conditioning.ofFlag(conditioning);
        if (emaKimg != null) model.emaKimg = emaKimg;
        if (emaRampup != null) model.emaRampup = emaRampup;
        if (dSteps != null) model.dSteps = dSteps;
        if (pack != null) model.pack = pack;
        if (loss != null) model.loss = GanLoss.ofFlag(loss);
        if (labelSmoothing != null) model.labelSmoothing = labelSmoothing;
        if (augment != null) model.augment = DiffAugment.parse(augment);
        if (architecture != null) model.architecture = architecture;
        if (latent != null) model.latentSize = latent;
        if (baseWidth != null) model.baseWidth = baseWidth;
    }
}
