package io.sparkgan.model.anomaly;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.SequentialNetwork;
import io.sparkgan.model.perf.LinearConvolution2D;
import io.sparkgan.model.perf.OneDnnLayers;
import io.sparkgan.model.perf.VectorisedLeakyReLU;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The encoder E of f-AnoGAN: from an image to a latent vector, shaped like the GAN's discriminator (4x4 stride-2
 * convolutions, channels doubling, LeakyReLU(0.2); for an MLP GAN, the MLP's hidden layers) with a linear head of
 * the latent size instead of D's score, and no batch norm, so that an image's code does not depend on the other
 * images of its batch. A layer stack without an output layer: its loss comes from outside, through G.
 */
public final class EncoderNetworks {

    private EncoderNetworks() {}

    public static SequentialNetwork encoder(GanModelConfig gan, EncoderConfig config) {
        return encoder(gan, config, DataType.FLOAT);
    }

    public static SequentialNetwork encoder(GanModelConfig gan, EncoderConfig config, DataType dataType) {
        if (gan.conditional) {
            throw new IllegalArgumentException(
                    "the f-AnoGAN encoder needs an unconditional GAN: it maps an image to" + " noise alone");
        }
        NeuralNetConfiguration.Builder builder = new NeuralNetConfiguration.Builder()
                .seed(config.seed)
                .dataType(dataType)
                .updater(new Adam(config.lr, config.beta1, config.beta2, 1e-8))
                .convolutionMode(ConvolutionMode.Truncate);
        if (gan.architecture.convolutional()) {
            builder.weightInit(new NormalDistribution(0, 0.02));
        } else {
            builder.weightInit(WeightInit.XAVIER);
        }
        NeuralNetConfiguration.ListBuilder list = builder.list();
        int layer = 0;
        if (gan.architecture.convolutional()) {
            int channels = gan.baseWidth;
            for (int s = 0; s < GanNetworks.upscalingStages(gan.height, gan.width); s++) {
                list.layer(layer++, new LinearConvolution2D(4, 2, 1, (long) channels << s, true));
                list.layer(layer++, leakyReLU());
            }
            list.setInputType(InputType.convolutional(gan.height, gan.width, gan.channels));
        } else {
            for (int i = 0; i < gan.mlpLayers; i++) {
                list.layer(
                        layer++,
                        new DenseLayer.Builder()
                                .nOut(gan.mlpHidden)
                                .activation(new VectorisedLeakyReLU(0.2))
                                .build());
            }
            list.setInputType(InputType.feedForward(gan.dataDim));
        }
        list.layer(
                layer,
                new DenseLayer.Builder()
                        .nOut(gan.latentSize)
                        .activation(Activation.IDENTITY)
                        .build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        OneDnnLayers.enable(net);
        return new SequentialNetwork(net);
    }

    private static ActivationLayer leakyReLU() {
        return new ActivationLayer.Builder()
                .activation(new VectorisedLeakyReLU(0.2))
                .build();
    }
}
