package io.sparkgan.jobs.cli;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.SuperResolutionConfig;
import picocli.CommandLine.Option;

/**
 * The options of train that make and size a super-resolution model (--model srgan). Each applies what was given,
 * and only that, in {@link #applyTo}.
 */
final class SuperResolutionOptions {

    @Option(
            names = "--model",
            paramLabel = "gan|srgan",
            description = "gan (default): G makes images from noise; srgan: super-resolution, G learns to undo a"
                    + " bicubic downscale by --scale (sparkgan upscale applies it)")
    String modelKind;

    @Option(names = "--scale", paramLabel = "2|4", description = "srgan: the upscaling factor (default 4)")
    Integer scale;

    @Option(
            names = "--patch",
            paramLabel = "P",
            description = "srgan: train on random P x P crops (default: whole images)")
    Integer patch;

    @Option(names = "--sr-blocks", paramLabel = "N", description = "srgan: residual blocks in G (default 8)")
    Integer srBlocks;

    @Option(names = "--sr-features", paramLabel = "N", description = "srgan: channels of G's feature maps (default 64)")
    Integer srFeatures;

    @Option(
            names = "--pixel-loss",
            paramLabel = "mse|l1",
            description = "srgan: the content loss's pixel term (default mse)")
    String pixelLoss;

    @Option(
            names = "--feature-weight",
            paramLabel = "W",
            description = "srgan: weight of the content loss's feature term, in the dataset evaluator's"
                    + " convolutional features (default 0 = pixels only)")
    Double featureWeight;

    @Option(
            names = "--adversarial-weight",
            paramLabel = "W",
            description = "srgan: weight of the adversarial term in G's loss (default 1e-3; 0 trains SRResNet, the"
                    + " content loss alone)")
    Double adversarialWeight;

    @Option(
            names = "--pretrain-kimg",
            paramLabel = "K",
            description = "srgan: train the first K kimg on the content loss alone (SRResNet), then add the"
                    + " adversarial term (default 0)")
    Double pretrainKimg;

    @Option(
            names = "--sr-input-skip",
            negatable = true,
            description = "srgan: G adds its output to the input upscaled by nearest neighbour and learns only the"
                    + " missing detail (default: on; --no-sr-input-skip ends G in tanh instead)")
    Boolean srInputSkip;

    /** Sets the given options on {@code model}; an error where they are given for another model than SRGAN. */
    void applyTo(GanModelConfig model) {
        if (modelKind != null) {
            boolean superResolution = switch (modelKind.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "gan" -> false;
                case "srgan" -> true;
                default -> throw new IllegalArgumentException("--model must be gan or srgan, got '" + modelKind + "'");
            };
            if (superResolution) {
                model.architecture = GanModelConfig.Architecture.SRGAN;
            } else if (model.architecture == GanModelConfig.Architecture.SRGAN) {
                throw new IllegalArgumentException("--model gan: the configuration says SRGAN");
            }
        }
        if (model.architecture != GanModelConfig.Architecture.SRGAN) {
            boolean anyGiven = java.util.stream.Stream.of(
                            scale,
                            patch,
                            srBlocks,
                            srFeatures,
                            pixelLoss,
                            featureWeight,
                            adversarialWeight,
                            pretrainKimg,
                            srInputSkip)
                    .anyMatch(java.util.Objects::nonNull);
            if (anyGiven) {
                throw new IllegalArgumentException("--scale, --patch, --sr-blocks, --sr-features, --pixel-loss,"
                        + " --feature-weight, --adversarial-weight, --pretrain-kimg and --sr-input-skip need --model"
                        + " srgan");
            }
            return;
        }
        if (model.superResolution == null) {
            model.superResolution = new SuperResolutionConfig();
        }
        SuperResolutionConfig sr = model.superResolution;
        if (scale != null) sr.scale = scale;
        if (srBlocks != null) sr.blocks = srBlocks;
        if (srFeatures != null) sr.features = srFeatures;
        if (pixelLoss != null)
            sr.pixelLoss = OptionValues.choice(SuperResolutionConfig.PixelLoss.class, "--pixel-loss", pixelLoss);
        if (featureWeight != null) sr.featureWeight = featureWeight;
        if (adversarialWeight != null) sr.adversarialWeight = adversarialWeight;
        if (pretrainKimg != null) sr.pretrainKimg = pretrainKimg;
        if (srInputSkip != null) sr.inputSkip = srInputSkip;
        if (patch != null) {
            if (patch < 1) {
                throw new IllegalArgumentException("--patch must be >= 1, got " + patch);
            }
            model.height = patch;
            model.width = patch;
        }
    }
}
