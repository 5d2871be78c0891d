package io.sparkgan.model.training;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.augment.DiffAugment;
import io.sparkgan.model.losses.GanLoss;
import io.sparkgan.model.nets.ClassConditioning;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.nets.SequentialNetwork;
import io.sparkgan.model.perf.LinearConvolution2D;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One GAN training step on one machine: update D on a real batch and a generated batch, then update G through D.
 *
 * <p>There is no combined G+D network. G's images go to D, D's loss with G's target gives D's gradient with
 * respect to its input ({@link MultiLayerNetwork#calculateGradients}, which leaves D's parameters alone), and that
 * gradient is backpropagated through G. G may be any {@link Network} (a layer stack or a graph); D must be a layer
 * stack, for that input gradient. One noise batch serves both updates, as in the DCGAN reference loop: the
 * D update sees G(z), then the G update asks the updated D about the same G(z).
 *
 * <p>DL4J gradients are sums over the batch; each network's updater divides by the batch size, so the D loss is
 * mean(real loss) + mean(fake loss), the usual formulation.
 */
public final class GanStep {

    private final Network generator;
    private final Network discriminatorNetwork;
    /** D as a layer stack: its input gradient and output layer are used directly. */
    private final MultiLayerNetwork discriminator;

    private final GanLoss loss;
    private final double realTarget;
    private final DiffAugment augment;
    private final GeneratorAverage average;
    private final double averageHalfLifeKimg;
    private final double averageRampup;
    private final int discriminatorSteps;
    private final boolean labelsInDiscriminatorInput;
    private final boolean projection;
    private final int discriminatorOutputs;
    private final int pack;
    /** Weight of the adversarial term in G's loss: 1 for a GAN, SRGAN's small weight next to its content loss. */
    private final double adversarialWeight;
    /** The rates the networks' updaters hold now. */
    private double learningRateG;

    private double learningRateD;

    private final OutputLayerInput discriminatorHead = new OutputLayerInput();

    /** A step with the loss, label smoothing and augmentation policy of {@code config}. */
    public GanStep(Network generator, Network discriminator, GanModelConfig config) {
        if (!(discriminator instanceof SequentialNetwork stack)) {
            throw new IllegalArgumentException("D must be a layer stack (MultiLayerNetwork): G's update needs D's input"
                    + " gradient, which DL4J's ComputationGraph does not offer");
        }
        this.generator = generator;
        this.discriminatorNetwork = discriminator;
        this.discriminator = stack.model();
        this.loss = config.loss;
        // one-sided: only D's target on real images moves (Salimans et al.); G's target stays 1
        this.realTarget = loss.realTarget - config.labelSmoothing;
        this.augment = new DiffAugment(config.augment);
        this.average = config.emaKimg > 0 ? new GeneratorAverage(generator) : null;
        this.averageHalfLifeKimg = config.emaKimg;
        this.averageRampup = config.emaRampup;
        this.discriminatorSteps = config.dSteps;
        this.labelsInDiscriminatorInput = config.conditioning.input;
        this.projection = config.conditional && config.conditioning.projection;
        this.discriminatorOutputs = config.discriminatorOutputs();
        this.pack = config.pack;
        this.adversarialWeight = config.superResolution != null ? config.superResolution.adversarialWeight : 1;
        this.learningRateG = config.lrG;
        this.learningRateD = config.lrD;
        this.discriminator.addListeners(discriminatorHead);
    }

    /**
     * Sets G's and D's learning rates in their updaters (the optimizer state is kept), so that a rate can change
     * between rounds without building the networks again; nothing happens for a rate that is unchanged.
     */
    public void setLearningRates(double lrG, double lrD) {
        if (lrG != learningRateG) {
            generator.setLearningRate(lrG);
            learningRateG = lrG;
        }
        if (lrD != learningRateD) {
            discriminatorNetwork.setLearningRate(lrD);
            learningRateD = lrD;
        }
    }

    /** The moving average of G's parameters, or null when {@code emaKimg} is 0. */
    public GeneratorAverage average() {
        return average;
    }

    /**
     * Moves the average towards G after a G update (nothing when there is no average).
     *
     * @param imagesPerStep real images per D step over all workers (the half-life counts images of the whole run)
     * @param imagesSoFar   real images shown since the start of training, over all workers
     */
    public void updateAverage(long imagesPerStep, long imagesSoFar) {
        if (average != null) {
            average.update(
                    generator,
                    GeneratorAverage.beta(
                            averageHalfLifeKimg,
                            averageRampup,
                            (double) imagesPerStep * discriminatorSteps,
                            imagesSoFar));
        }
    }

    public Network generator() {
        return generator;
    }

    public Network discriminator() {
        return discriminatorNetwork;
    }

    /** Runs one step (D and G), unconditional, without augmentation randomness. */
    public StepStats step(INDArray real, INDArray z) {
        return step(real, z, null, 0, true);
    }

    /** Runs one step whose G loss is the adversarial one alone. */
    public StepStats step(INDArray real, INDArray z, INDArray labels, long augmentSeed, boolean updateGenerator) {
        return step(real, z, labels, augmentSeed, updateGenerator, null);
    }

    /**
     * Runs one step.
     *
     * @param real        a batch of real samples, [b, C, H, W] in [-1, 1] (or [b, dim] for toy data)
     * @param z           a batch of latent vectors, [b, latentSize]; its batch size may differ from the real one
     *                    (not for a conditional model)
     * @param labels      for a conditional model, the real batch's one-hot labels [b, classes], which the generated
     *                    batch is asked for too; null otherwise
     * @param augmentSeed seed of this step's augmentations (fresh draws for each of D's three inputs)
     * @param updateGenerator whether G is updated after D (with D steps per G step k, every k-th step); when not,
     *                        the G half is skipped and the reported G loss is NaN
     * @param objective   a further term of G's loss (null for none); the adversarial term is weighted by the
     *                    config's super-resolution adversarial weight when it has one
     */
    public StepStats step(
            INDArray real,
            INDArray z,
            INDArray labels,
            long augmentSeed,
            boolean updateGenerator,
            GeneratorObjective objective) {
        // G's activations are kept as its layers' inputs for the backward pass
        INDArray fake = generator.forwardForTraining(ClassConditioning.generatorInput(z, labels));
        SplittableRandom random = new SplittableRandom(augmentSeed);
        // a projection D is judged by its label's output alone: the one-hot labels mask the others
        INDArray inputLabels = labelsInDiscriminatorInput ? labels : null;
        INDArray headMask = projection ? labels.castTo(real.dataType()) : null;

        // D: real and fake gradients are summed in D's gradient view, then one optimizer update. D sees every image
        // augmented (when a policy is set) and, for INPUT conditioning, with its label planes after that
        // (neither of these two passes needs the gradient of D's input, G's pass below does)
        LinearConvolution2D.computeInputGradient(discriminator, false);
        INDArray realSeen = ClassConditioning.discriminatorInput(
                packed(augment.enabled() ? augmentation(random, real).apply(real) : real), inputLabels);
        INDArray realTargets = targets(realSeen, realTarget);
        discriminator.calculateGradients(realSeen, realTargets, null, headMask);
        double[] onReal = discriminatorHead.meanOutputAndLoss(realTargets, headMask);
        INDArray realGradient = discriminator.getFlattenedGradients().dup();
        INDArray fakeSeen = ClassConditioning.discriminatorInput(
                packed(augment.enabled() ? augmentation(random, fake).apply(fake) : fake), inputLabels);
        INDArray fakeTargets = targets(fakeSeen, loss.fakeTarget);
        Pair<Gradient, INDArray> fakePass = discriminator.calculateGradients(fakeSeen, fakeTargets, null, headMask);
        LinearConvolution2D.computeInputGradient(discriminator, true);
        double[] onFake = discriminatorHead.meanOutputAndLoss(fakeTargets, headMask);
        discriminator.getFlattenedGradients().addi(realGradient);
        discriminatorNetwork.applyUpdate(fakePass.getFirst(), (int) realSeen.size(0));
        if (!updateGenerator) {
            generator.releaseActivations();
            release(List.of(realGradient));
            return new StepStats(onReal[1] + onFake[1], Double.NaN, onReal[0], onFake[0]);
        }

        // G: D's input gradient for G's target (its image part), back through the augmentation, then through G's
        // stored forward pass
        DiffAugment.Augmentation onGenerated = augment.enabled() ? augmentation(random, fake) : null;
        INDArray generatorSeen = ClassConditioning.discriminatorInput(
                packed(onGenerated != null ? onGenerated.apply(fake) : fake), inputLabels);
        INDArray generatorTargets = targets(generatorSeen, loss.generatorTarget);
        INDArray inputGradient = unpacked(
                ClassConditioning.sampleGradient(
                        discriminator
                                .calculateGradients(generatorSeen, generatorTargets, null, headMask)
                                .getSecond(),
                        inputLabels,
                        fake.size(1) * pack),
                fake.shape());
        if (onGenerated != null) {
            inputGradient = onGenerated.backward(inputGradient);
        }
        double gLoss = discriminatorHead.meanOutputAndLoss(generatorTargets, headMask)[1];
        if (adversarialWeight != 1) {
            inputGradient.muli(adversarialWeight);
        }
        if (objective != null) {
            inputGradient.addi(objective.gradient(fake));
        }
        Gradient gGradient = generator.backprop(inputGradient);
        // G's loss is D's mean over its examples (packs), as D's own loss is
        generator.applyUpdate(gGradient, (int) generatorSeen.size(0));

        // G's activations and these gradients live outside DL4J's workspaces; freed now, their memory is reused by
        // the next step instead of waiting for a garbage collection while fresh pages are faulted in
        generator.releaseActivations();
        release(Arrays.asList(realGradient, inputGradient));

        return new StepStats(onReal[1] + onFake[1], gLoss, onReal[0], onFake[0]);
    }

    private DiffAugment.Augmentation augmentation(SplittableRandom random, INDArray images) {
        return augment.sample(
                random, (int) images.size(0), (int) images.size(1), (int) images.size(2), (int) images.size(3));
    }

    private static void release(List<INDArray> arrays) {
        for (INDArray array : arrays) {
            if (array != null && array.closeable()) {
                array.close();
            }
        }
    }

    /**
     * The batch as D sees it with packing: consecutive samples stacked along the channels (or features), [b, C, ...]
     * to [b / pack, pack C, ...]; in row-major order that is a reshape.
     */
    private INDArray packed(INDArray samples) {
        if (pack == 1) {
            return samples;
        }
        if (samples.size(0) % pack != 0) {
            throw new IllegalArgumentException(
                    "a batch of " + samples.size(0) + " cannot be cut into packs of " + pack);
        }
        long[] shape = samples.shape().clone();
        shape[0] /= pack;
        shape[1] *= pack;
        return samples.reshape('c', shape);
    }

    /** D's input gradient for packs back to one gradient per sample, of {@code sampleShape}. */
    private INDArray unpacked(INDArray gradient, long[] sampleShape) {
        return pack == 1 ? gradient : gradient.reshape('c', sampleShape);
    }

    private INDArray targets(INDArray batch, double value) {
        return Nd4j.valueArrayOf(new long[] {batch.size(0), discriminatorOutputs}, value, batch.dataType());
    }

    /**
     * Keeps a copy of the input of D's output layer from D's last forward pass, so that D's outputs and loss can be
     * reported by re-running only the (tiny) output layer. DL4J computes activations in a workspace that is closed
     * when calculateGradients returns, hence the copy made while it is open.
     */
    private final class OutputLayerInput extends BaseTrainingListener {
        private INDArray lastInput;

        @Override
        public void onForwardPass(Model model, List<INDArray> activations) {
            lastInput = activations.get(activations.size() - 1).detach();
        }

        /** D's mean output and mean loss against {@code targets} (the label's output, with a mask) for the last pass. */
        double[] meanOutputAndLoss(INDArray targets, INDArray mask) {
            LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
            int last = discriminator.getnLayers() - 1;
            InputPreProcessor preProcessor =
                    discriminator.getLayerWiseConfigurations().getInputPreProcess(last);
            INDArray input = preProcessor == null
                    ? lastInput
                    : preProcessor.preProcess(lastInput, (int) lastInput.size(0), noWorkspaces);
            // D's head is one dense layer: its pre-activation once, then the loss and the activation from it
            Layer head = discriminator.getOutputLayer();
            INDArray preOutput = input.mmul(head.getParam("W")).addiRowVector(head.getParam("b"));
            var conf = (org.deeplearning4j.nn.conf.layers.BaseOutputLayer)
                    head.conf().getLayer();
            double meanLoss =
                    conf.getLossFn().computeScore(targets, preOutput.dup(), conf.getActivationFn(), mask, true);
            // the mean of what D reports (a probability for the non-saturating loss) over each example's output
            double[] raw = preOutput
                    .castTo(DataType.DOUBLE)
                    .dup('c')
                    .reshape(preOutput.length())
                    .toDoubleVector();
            double[] weights = mask == null
                    ? null
                    : mask.castTo(DataType.DOUBLE)
                            .dup('c')
                            .reshape(mask.length())
                            .toDoubleVector();
            double sum = 0;
            for (int i = 0; i < raw.length; i++) {
                sum += (weights == null ? 1 : weights[i]) * loss.reported(raw[i]);
            }
            return new double[] {sum / preOutput.size(0), meanLoss};
        }
    }
}
