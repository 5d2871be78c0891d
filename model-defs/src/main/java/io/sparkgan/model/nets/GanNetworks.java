package io.sparkgan.model.nets;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.perf.LinearConvolution2D;
import io.sparkgan.model.perf.LinearDeconvolution2D;
import io.sparkgan.model.perf.OneDnnLayers;
import io.sparkgan.model.perf.VectorisedLeakyReLU;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping2D;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Builds the generator and the discriminator described by a {@link GanModelConfig}.
 *
 * <p>DCGAN: G maps z through a dense layer to a (start side) feature map and doubles it with 4x4 stride-2
 * transposed convolutions until the image size, halving the channels each time; D mirrors it with 4x4 stride-2
 * convolutions and LeakyReLU(0.2). The number of 2x stages is how often both sides halve evenly while staying at
 * least 4: 28x28 starts at 7x7 (2 stages), 32x32 at 4x4 (3), 64x64 at 4x4 (4).
 *
 * <p>DCGAN_K5 is the DCGAN of the TensorFlow tutorial, for sides that are multiples of 4: G maps z through a dense
 * layer to an (H/4, W/4, 4 bw) map, then 5x5 transposed convolutions to 2 bw (stride 1), bw (stride 2) and the
 * image (stride 2), with batch norm and LeakyReLU(0.2) in between; D has 5x5 stride-2 convolutions to bw and 2 bw
 * with LeakyReLU and no batch norm, then the dense head (bw = baseWidth, 64 in the tutorial). The tutorial's
 * dropout in D is left out: it would make D's forward pass draw from ND4J's global RNG, and every draw in a
 * sparkgan run is a pure function of (seed, partition, step).
 *
 * <p>DCGAN_RESIDUAL is the DCGAN with a residual block in G ({@link ResidualGenerator}), a graph; D is the
 * DCGAN's. SRGAN is the super-resolution GAN ({@link SuperResolutionNetworks}): G takes a low-resolution image
 * instead of z.
 *
 * <p>G's transposed convolutions are {@link LinearDeconvolution2D}s, with tanh as a layer of its own at the end;
 * D's convolutions are {@link LinearConvolution2D}s, each followed by its batch norm and LeakyReLU layers.
 * G has no output layer (its loss comes from D through {@code backpropGradient}); D ends in an
 * {@link OutputLayer} whose loss is the adversarial loss.
 */
public final class GanNetworks {

    private static final double LEAKY_SLOPE = 0.2;

    private GanNetworks() {}

    public static Network generator(GanModelConfig config) {
        return generator(config, DataType.FLOAT);
    }

    public static SequentialNetwork discriminator(GanModelConfig config) {
        return discriminator(config, DataType.FLOAT);
    }

    public static Network generator(GanModelConfig config, DataType dataType) {
        config.validate();
        return switch (config.architecture) {
            case DCGAN -> initialised(dcganGenerator(config, dataType));
            case DCGAN_K5 -> initialised(kernel5Generator(config, dataType));
            case DCGAN_RESIDUAL -> initialised(ResidualGenerator.configuration(config, dataType));
            case SRGAN -> initialised(SuperResolutionNetworks.generator(config, dataType));
            case MLP -> initialised(mlpGenerator(config, dataType));
        };
    }

    /** D is always a layer stack: G's update needs its input gradient (see {@link Network}). */
    public static SequentialNetwork discriminator(GanModelConfig config, DataType dataType) {
        config.validate();
        MultiLayerConfiguration conf = switch (config.architecture) {
            case DCGAN, DCGAN_RESIDUAL -> dcganDiscriminator(config, dataType);
            case DCGAN_K5 -> kernel5Discriminator(config, dataType);
            case MLP -> mlpDiscriminator(config, dataType);
            case SRGAN -> SuperResolutionNetworks.discriminator(config, dataType);
        };
        return initialised(conf);
    }

    /** Number of 2x up-scaling stages of a DCGAN for this image size. */
    public static int upscalingStages(int height, int width) {
        int stages = 0;
        while (height % 2 == 0 && width % 2 == 0 && height / 2 >= 4 && width / 2 >= 4) {
            height /= 2;
            width /= 2;
            stages++;
        }
        return stages;
    }

    private static SequentialNetwork initialised(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        OneDnnLayers.enable(net);
        return new SequentialNetwork(net);
    }

    private static Network initialised(ComputationGraphConfiguration conf) {
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        OneDnnLayers.enable(graph);
        return Network.of(graph);
    }

    private static NeuralNetConfiguration.ListBuilder base(
            GanModelConfig config, long seed, double lr, DataType dataType) {
        return builder(config, seed, lr, dataType).list();
    }

    /** The settings every network of {@code config} shares: seed, data type, optimizer, weight init. */
    static NeuralNetConfiguration.Builder builder(GanModelConfig config, long seed, double lr, DataType dataType) {
        IUpdater updater = config.optimizer == GanModelConfig.OptimizerKind.ADAM
                ? new Adam(lr, config.beta1, config.beta2, 1e-8)
                : new Sgd(lr);
        NeuralNetConfiguration.Builder builder = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .updater(updater)
                .convolutionMode(ConvolutionMode.Truncate);
        if (config.architecture.convolutional()) {
            builder.weightInit(new NormalDistribution(0, 0.02));
        } else {
            builder.weightInit(WeightInit.XAVIER);
        }
        return builder;
    }

    private static MultiLayerConfiguration dcganGenerator(GanModelConfig c, DataType dataType) {
        int stages = upscalingStages(c.height, c.width);
        int startH = c.height >> stages;
        int startW = c.width >> stages;
        int channels = c.baseWidth << (stages - 1);
        NeuralNetConfiguration.ListBuilder list = base(c, c.seed, c.lrG, dataType);
        int layer = 0;
        list.layer(layer++, latentToFeatures(c, (long) startH * startW * channels));
        // the dense output is a feature map from here on: batch norm per channel, as in DCGAN
        list.inputPreProcessor(layer, new FeedForwardToCnnPreProcessor(startH, startW, channels));
        layer = normalisedActivation(list, layer, c.batchNorm, channels, Activation.RELU);
        for (int s = 1; s < stages; s++) {
            channels /= 2;
            list.layer(layer++, new LinearDeconvolution2D(4, 2, 1, channels, !c.batchNorm));
            layer = normalisedActivation(list, layer, c.batchNorm, channels, Activation.RELU);
        }
        list.layer(layer++, new LinearDeconvolution2D(4, 2, 1, c.channels, true));
        list.layer(
                layer, new ActivationLayer.Builder().activation(Activation.TANH).build());
        list.setInputType(InputType.feedForward(c.generatorInputSize()));
        return list.build();
    }

    private static MultiLayerConfiguration dcganDiscriminator(GanModelConfig c, DataType dataType) {
        int stages = upscalingStages(c.height, c.width);
        NeuralNetConfiguration.ListBuilder list = base(c, c.seed + 1, c.lrD, dataType);
        int layer = 0;
        int channels = c.baseWidth;
        list.layer(layer++, downscale(channels, true));
        list.layer(layer++, leakyReLU());
        for (int s = 1; s < stages; s++) {
            channels *= 2;
            list.layer(layer++, downscale(channels, !c.batchNorm));
            if (c.batchNorm) {
                list.layer(
                        layer++, new BatchNormalization.Builder().nOut(channels).build());
            }
            list.layer(layer++, leakyReLU());
        }
        list.layer(layer, discriminatorOutput(c));
        list.setInputType(InputType.convolutional(c.height, c.width, c.discriminatorChannels()));
        return list.build();
    }

    private static MultiLayerConfiguration kernel5Generator(GanModelConfig c, DataType dataType) {
        int startH = c.height / 4;
        int startW = c.width / 4;
        int channels = 4 * c.baseWidth;
        VectorisedLeakyReLU leaky = new VectorisedLeakyReLU(LEAKY_SLOPE);
        NeuralNetConfiguration.ListBuilder list = base(c, c.seed, c.lrG, dataType);
        int layer = 0;
        list.layer(layer++, latentToFeatures(c, (long) startH * startW * channels));
        list.inputPreProcessor(layer, new FeedForwardToCnnPreProcessor(startH, startW, channels));
        layer = normalisedActivation(list, layer, c.batchNorm, channels, leaky);
        list.layer(layer++, new LinearDeconvolution2D(5, 1, 2, 2L * c.baseWidth, !c.batchNorm));
        layer = normalisedActivation(list, layer, c.batchNorm, 2 * c.baseWidth, leaky);
        layer = kernel5Doubling(list, layer, c.baseWidth, !c.batchNorm);
        layer = normalisedActivation(list, layer, c.batchNorm, c.baseWidth, leaky);
        layer = kernel5Doubling(list, layer, c.channels, true);
        list.layer(
                layer, new ActivationLayer.Builder().activation(Activation.TANH).build());
        list.setInputType(InputType.feedForward(c.generatorInputSize()));
        return list.build();
    }

    /**
     * A 5x5 stride-2 transposed convolution that doubles the size ('same' padding, as in TensorFlow and PyTorch's
     * padding 2 with output_padding 1): padding 1 gives 2 size + 1, and the first row and column are cropped.
     * Written with explicit padding because libnd4j runs 'same'-mode transposed convolutions without oneDNN, on
     * a path several times slower.
     */
    private static int kernel5Doubling(NeuralNetConfiguration.ListBuilder list, int layer, int nOut, boolean bias) {
        list.layer(layer++, new LinearDeconvolution2D(5, 2, 1, nOut, bias));
        list.layer(layer++, new Cropping2D(1, 0, 1, 0));
        return layer;
    }

    private static MultiLayerConfiguration kernel5Discriminator(GanModelConfig c, DataType dataType) {
        NeuralNetConfiguration.ListBuilder list = base(c, c.seed + 1, c.lrD, dataType);
        int layer = 0;
        for (int i = 0; i < 2; i++) {
            list.layer(layer++, new LinearConvolution2D(5, 2, 2, (long) c.baseWidth << i, true));
            list.layer(layer++, leakyReLU());
        }
        list.layer(layer, discriminatorOutput(c));
        list.setInputType(InputType.convolutional(c.height, c.width, c.discriminatorChannels()));
        return list.build();
    }

    private static MultiLayerConfiguration mlpGenerator(GanModelConfig c, DataType dataType) {
        NeuralNetConfiguration.ListBuilder list = base(c, c.seed, c.lrG, dataType);
        for (int i = 0; i < c.mlpLayers; i++) {
            list.layer(
                    i,
                    new DenseLayer.Builder()
                            .nOut(c.mlpHidden)
                            .activation(Activation.RELU)
                            .build());
        }
        list.layer(
                c.mlpLayers,
                new DenseLayer.Builder()
                        .nOut(c.dataDim)
                        .activation(Activation.IDENTITY)
                        .build());
        list.setInputType(InputType.feedForward(c.generatorInputSize()));
        return list.build();
    }

    private static MultiLayerConfiguration mlpDiscriminator(GanModelConfig c, DataType dataType) {
        NeuralNetConfiguration.ListBuilder list = base(c, c.seed + 1, c.lrD, dataType);
        for (int i = 0; i < c.mlpLayers; i++) {
            list.layer(
                    i,
                    new DenseLayer.Builder()
                            .nOut(c.mlpHidden)
                            .activation(new VectorisedLeakyReLU(LEAKY_SLOPE))
                            .build());
        }
        list.layer(c.mlpLayers, discriminatorOutput(c));
        list.setInputType(InputType.feedForward(c.discriminatorInputSize()));
        return list.build();
    }

    /** G's first layer: z (and the label) to the first feature map's values, biased only without batch norm. */
    static DenseLayer latentToFeatures(GanModelConfig c, long values) {
        return new DenseLayer.Builder()
                .nIn(c.generatorInputSize())
                .nOut(values)
                .activation(Activation.IDENTITY)
                .hasBias(!c.batchNorm)
                .build();
    }

    private static int normalisedActivation(
            NeuralNetConfiguration.ListBuilder list,
            int layer,
            boolean batchNorm,
            int channels,
            Activation activation) {
        return normalisedActivation(list, layer, batchNorm, channels, activation.getActivationFunction());
    }

    private static int normalisedActivation(
            NeuralNetConfiguration.ListBuilder list,
            int layer,
            boolean batchNorm,
            int channels,
            IActivation activation) {
        if (batchNorm) {
            list.layer(layer++, new BatchNormalization.Builder().nOut(channels).build());
        }
        list.layer(layer++, new ActivationLayer.Builder().activation(activation).build());
        return layer;
    }

    /** A 4x4 stride-2 convolution that halves the size; its activation is a layer of its own. */
    private static LinearConvolution2D downscale(int nOut, boolean bias) {
        return new LinearConvolution2D(4, 2, 1, nOut, bias);
    }

    static ActivationLayer leakyReLU() {
        return new ActivationLayer.Builder()
                .activation(new VectorisedLeakyReLU(LEAKY_SLOPE))
                .build();
    }

    static OutputLayer discriminatorOutput(GanModelConfig c) {
        return new OutputLayer.Builder(c.loss.lossFunction())
                .nOut(c.discriminatorOutputs())
                .activation(c.loss.outputActivation)
                .build();
    }
}
