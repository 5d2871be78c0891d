package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.augment.DiffAugment;
import io.sparkgan.model.losses.GanLoss;
import io.sparkgan.model.nets.ClassConditioning;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.sampling.LatentNoise;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * G's update has no combined network: D's input gradient is backpropagated through G. This checks that gradient
 * against central finite differences of the generator loss, in double precision, for every parameter kind of
 * every layer type the networks use (dense, batch norm, transposed convolution, convolution, output).
 */
class GeneratorGradientTest {

    private static final double H = 1e-6;
    private static final double MAX_RELATIVE_ERROR = 1e-3;
    private static final double MIN_ABSOLUTE_ERROR = 1e-9;

    @Test
    void dcganGeneratorGradientThroughDiscriminatorMatchesFiniteDifferences() {
        GanModelConfig config = GanModelConfig.dcgan(16, 16, 1);
        config.baseWidth = 3;
        config.latentSize = 5;
        checkGeneratorGradient(config, 4);
    }

    @Test
    void dcganWithoutBatchNormMatchesFiniteDifferences() {
        GanModelConfig config = GanModelConfig.dcgan(8, 12, 3);
        config.baseWidth = 2;
        config.latentSize = 4;
        config.batchNorm = false;
        checkGeneratorGradient(config, 3);
    }

    /** G as a graph (a residual block joined by an element-wise add): the same backprop through the seam. */
    @Test
    void residualGraphGeneratorGradientMatchesFiniteDifferences() {
        GanModelConfig config = GanModelConfig.dcgan(16, 16, 1);
        config.architecture = GanModelConfig.Architecture.DCGAN_RESIDUAL;
        config.baseWidth = 2;
        config.latentSize = 4;
        checkGeneratorGradient(config, 3);
    }

    /** The super-resolution G (a graph of residual blocks, PReLU and upsampling) through its VGG-style D. */
    @Test
    void superResolutionGeneratorGradientMatchesFiniteDifferences() {
        for (int scale : new int[] {2, 4}) {
            for (boolean inputSkip : new boolean[] {false, true}) {
                GanModelConfig config = GanModelConfig.superResolution(16, 16, 1, scale);
                config.baseWidth = 2;
                config.superResolution.blocks = 1;
                config.superResolution.features = 3;
                config.superResolution.inputSkip = inputSkip;
                checkGeneratorGradient(config, 2);
            }
        }
    }

    @Test
    void kernel5DcganGradientMatchesFiniteDifferences() {
        GanModelConfig config = GanModelConfig.dcgan(8, 8, 1);
        config.architecture = GanModelConfig.Architecture.DCGAN_K5;
        config.baseWidth = 2;
        config.latentSize = 4;
        checkGeneratorGradient(config, 2);
    }

    /** G's gradient through D's view of augmented images, with the hinge and least-squares losses. */
    @Test
    void gradientThroughTheAugmentationOfGeneratedImagesMatchesFiniteDifferences() {
        for (GanLoss loss : new GanLoss[] {GanLoss.HINGE, GanLoss.LEAST_SQUARES}) {
            GanModelConfig config = GanModelConfig.dcgan(16, 16, 3);
            config.baseWidth = 2;
            config.latentSize = 4;
            config.loss = loss;
            config.augment = DiffAugment.parse("color,translation,cutout");
            checkGeneratorGradient(config, 3);
        }
    }

    /**
     * A conditional G, for each way D gets the label: G's gradient is the image part of D's input gradient (the
     * label planes left out), through the label's output of a projection D.
     */
    @ParameterizedTest
    @EnumSource(GanModelConfig.Conditioning.class)
    void conditionalGeneratorGradientMatchesFiniteDifferences(GanModelConfig.Conditioning conditioning) {
        GanModelConfig config = GanModelConfig.dcgan(8, 8, 1);
        config.baseWidth = 2;
        config.latentSize = 3;
        config.conditional = true;
        config.classes = 3;
        config.conditioning = conditioning;
        config.augment = DiffAugment.parse("translation");
        checkGeneratorGradient(config, 4);
    }

    @Test
    void mlpGeneratorGradientThroughDiscriminatorMatchesFiniteDifferences() {
        GanModelConfig config = GanModelConfig.mlp(2, 3);
        config.mlpHidden = 6;
        checkGeneratorGradient(config, 5);
    }

    private static void checkGeneratorGradient(GanModelConfig config, int batch) {
        Network g = GanNetworks.generator(config, DataType.DOUBLE);
        MultiLayerNetwork d = GanNetworks.discriminator(config, DataType.DOUBLE).layerStack();
        if (!config.architecture.generative()) {
            // through the deep super-resolution pair at N(0, 0.02) weights G's gradient is too small to tell from the
            // finite differences' rounding: larger weights give it a size to check
            g.params().muli(4);
            d.params().muli(8);
        }
        INDArray labels = null;
        if (config.conditional) {
            int[] classes = new int[batch];
            for (int i = 0; i < batch; i++) {
                classes[i] = i % config.classes;
            }
            labels = ClassConditioning.oneHot(classes, config.classes, DataType.DOUBLE);
        }
        // G's input: z (and the label), or for super-resolution a low-resolution image
        INDArray z = config.architecture.generative()
                ? ClassConditioning.generatorInput(
                        LatentNoise.sample(7, batch, config.latentSize, DataType.DOUBLE), labels)
                : Nd4j.rand(
                                DataType.DOUBLE,
                                batch,
                                config.channels,
                                config.height / config.superResolution.scale,
                                config.width / config.superResolution.scale)
                        .muli(2)
                        .subi(1);
        INDArray targets = Nd4j.valueArrayOf(
                new long[] {batch, config.discriminatorOutputs()}, config.loss.generatorTarget, DataType.DOUBLE);
        // a projection D is judged by its label's output: the labels mask the others
        INDArray mask = config.discriminatorOutputs() > 1 ? labels : null;
        INDArray inputLabels = config.conditioning.input ? labels : null;
        INDArray dParamsBefore = d.params().dup();
        DiffAugment augment = new DiffAugment(config.augment);
        DiffAugment.Augmentation augmentation = augment.enabled()
                ? augment.sample(new SplittableRandom(3), batch, config.channels, config.height, config.width)
                : null;

        INDArray fake = g.forwardForTraining(z);
        INDArray inputGradient = ClassConditioning.sampleGradient(
                d.calculateGradients(
                                ClassConditioning.discriminatorInput(
                                        augmentation != null ? augmentation.apply(fake) : fake, inputLabels),
                                targets,
                                null,
                                mask)
                        .getSecond(),
                inputLabels,
                fake.size(1));
        if (augmentation != null) {
            inputGradient = augmentation.backward(inputGradient);
        }
        Gradient analytic = g.backprop(inputGradient);
        Map<String, INDArray> analyticByParam = Map.copyOf(analytic.gradientForVariable());
        assertEquals(dParamsBefore, d.params(), "computing G's gradient must not change D");

        SplittableRandom pick = new SplittableRandom(11);
        int checked = 0;
        for (Map.Entry<String, INDArray> param : g.model().paramTable().entrySet()) {
            String name = param.getKey();
            if (isRunningStatistic(name)) {
                continue;
            }
            INDArray values = param.getValue();
            INDArray gradient = analyticByParam.get(name).dup();
            double worst = 0;
            for (int k = 0; k < Math.min(12, values.length()); k++) {
                // subscripts, not linear indexes: dense weights are 'f'-ordered views
                long[] at = Shape.ind2subC(values.shape(), pick.nextLong(values.length()));
                double original = values.getDouble(at);
                values.putScalar(at, original + H);
                double plus = generatorLoss(g, d, augmentation, inputLabels, z, targets, mask);
                values.putScalar(at, original - H);
                double minus = generatorLoss(g, d, augmentation, inputLabels, z, targets, mask);
                values.putScalar(at, original);
                double numeric = (plus - minus) / (2 * H);
                double a = gradient.getDouble(at);
                if (Math.abs(a - numeric) > MIN_ABSOLUTE_ERROR) {
                    worst = Math.max(worst, Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric)));
                }
                checked++;
            }
            assertTrue(worst < MAX_RELATIVE_ERROR, name + ": relative error " + worst);
        }
        assertTrue(checked > 20, "checked " + checked + " parameters");
    }

    /** Sum over the batch of D's loss with G's target (DL4J's score is the batch mean). */
    private static double generatorLoss(
            Network g,
            MultiLayerNetwork d,
            DiffAugment.Augmentation augmentation,
            INDArray labels,
            INDArray z,
            INDArray targets,
            INDArray mask) {
        INDArray fake = g.forwardForTraining(z);
        INDArray seen =
                ClassConditioning.discriminatorInput(augmentation != null ? augmentation.apply(fake) : fake, labels);
        return d.score(new DataSet(seen, targets, null, mask), true) * z.size(0);
    }

    // batch norm's moving mean/variance are updated by the optimizer but are not trained by the loss
    private static boolean isRunningStatistic(String name) {
        return name.endsWith("_mean") || name.endsWith("_var") || name.endsWith("_log10stdev");
    }
}
