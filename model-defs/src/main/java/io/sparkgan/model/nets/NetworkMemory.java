package io.sparkgan.model.nets;

import io.sparkgan.model.GanModelConfig;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The memory a training step's activations take: each layer's (and graph vertex's) output and its gradient at a
 * minibatch size, as DL4J's memory report counts activations. Counted from the layers' output types rather than
 * with that report, which fails on layers that have none (Cropping2D in DCGAN_K5's G) and adds each convolution's
 * im2col working memory, 5 times the activations for the SRGAN's G, that oneDNN's convolutions here do not take
 * (docs/PERFORMANCE.md, "Resident memory of a step").
 */
public final class NetworkMemory {

    private NetworkMemory() {}

    /** Bytes of the activations and activation gradients of a training pass of {@code batch} samples. */
    public static long trainingActivationBytes(Network network, InputType input, int batch) {
        return 2 * inferenceActivationBytes(network, input, batch);
    }

    /** Bytes of the activations of an inference pass of {@code batch} samples (where none is released early). */
    public static long inferenceActivationBytes(Network network, InputType input, int batch) {
        long values = 0;
        if (network.model() instanceof ComputationGraph graph) {
            for (InputType output :
                    graph.getConfiguration().getLayerActivationTypes(input).values()) {
                values += output.arrayElementsPerExample();
            }
        } else {
            MultiLayerConfiguration conf = ((MultiLayerNetwork) network.model()).getLayerWiseConfigurations();
            InputType type = input;
            for (int i = 0; i < conf.getConfs().size(); i++) {
                InputPreProcessor preProcessor = conf.getInputPreProcess(i);
                if (preProcessor != null) {
                    type = preProcessor.getOutputType(type);
                }
                type = conf.getConf(i).getLayer().getOutputType(i, type);
                values += type.arrayElementsPerExample();
            }
        }
        return values * batch * network.model().params().dataType().width();
    }

    /**
     * Bytes of the activations of one GAN step of {@code batch} samples per worker: G's pass, and one of D's (D takes
     * the real and the generated batch one after the other, in packs of {@code pack} samples).
     */
    public static long ganStepActivationBytes(
            GanModelConfig config, Network generator, Network discriminator, int batch) {
        int discriminatorBatch = (batch + config.pack - 1) / config.pack;
        return trainingActivationBytes(generator, generatorInput(config), batch)
                + trainingActivationBytes(discriminator, discriminatorInput(config), discriminatorBatch);
    }

    /** The type of one sample G takes: noise (and a class) or, for the SRGAN, a downscaled image. */
    static InputType generatorInput(GanModelConfig config) {
        if (config.architecture.generative()) {
            return InputType.feedForward(config.generatorInputSize());
        }
        int scale = config.superResolution.scale;
        return InputType.convolutional(config.height / scale, config.width / scale, config.channels);
    }

    /** The type of one sample (or pack) D takes. */
    static InputType discriminatorInput(GanModelConfig config) {
        return config.architecture.convolutional()
                ? InputType.convolutional(config.height, config.width, config.discriminatorChannels())
                : InputType.feedForward(config.discriminatorInputSize());
    }
}
