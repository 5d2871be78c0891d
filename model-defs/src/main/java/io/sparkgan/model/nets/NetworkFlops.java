package io.sparkgan.model.nets;

import io.sparkgan.model.GanModelConfig;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Floating-point operations of the networks, counted the usual way: 2 per multiply-add of the dense, convolution
 * and transposed-convolution layers. Element-wise layers (batch norm, activations, optimizer) are left out; they
 * are a few percent of the work. A backward pass costs twice its forward pass (input and weight gradients).
 */
public final class NetworkFlops {

    private NetworkFlops() {}

    /** Forward FLOPs of one sample through a network whose input has the given type. */
    public static long forwardPerSample(MultiLayerConfiguration conf, InputType input) {
        long multiplyAdds = 0;
        InputType type = input;
        for (int i = 0; i < conf.getConfs().size(); i++) {
            InputPreProcessor preProcessor = conf.getInputPreProcess(i);
            if (preProcessor != null) {
                type = preProcessor.getOutputType(type);
            }
            Layer layer = conf.getConf(i).getLayer();
            InputType output = layer.getOutputType(i, type);
            multiplyAdds += multiplyAdds(layer, type, output);
            type = output;
        }
        return 2 * multiplyAdds;
    }

    /** Forward FLOPs of one sample through a graph with one input of the given type. */
    public static long forwardPerSample(ComputationGraphConfiguration conf, InputType input) {
        Map<String, InputType> outputs = conf.getLayerActivationTypes(input);
        long multiplyAdds = 0;
        for (Map.Entry<String, GraphVertex> vertex : conf.getVertices().entrySet()) {
            if (vertex.getValue() instanceof LayerVertex layer) {
                InputType type = outputs.getOrDefault(
                        conf.getVertexInputs().get(vertex.getKey()).get(0), input);
                if (layer.getPreProcessor() != null) {
                    type = layer.getPreProcessor().getOutputType(type);
                }
                multiplyAdds += multiplyAdds(layer.getLayerConf().getLayer(), type, outputs.get(vertex.getKey()));
            }
        }
        return 2 * multiplyAdds;
    }

    /** Forward FLOPs of one sample through {@code network}, a layer stack or a graph. */
    public static long forwardPerSample(Network network, InputType input) {
        return network.model() instanceof ComputationGraph graph
                ? forwardPerSample(graph.getConfiguration(), input)
                : forwardPerSample(((MultiLayerNetwork) network.model()).getLayerWiseConfigurations(), input);
    }

    /**
     * FLOPs per sample of one GAN step (training.GanStep): G forward and backward (3 F_G); D forward and backward on the real
     * batch, on the fake batch, and again on the fake batch for G's gradient (3 x 3 F_D).
     */
    public static long ganStepPerSample(GanModelConfig config) {
        long d = forwardPerSample(GanNetworks.discriminator(config), NetworkMemory.discriminatorInput(config));
        return 3 * generatorForwardPerSample(config) + 9 * d;
    }

    /** FLOPs of making one sample: G's forward pass. */
    public static long generatorForwardPerSample(GanModelConfig config) {
        return forwardPerSample(GanNetworks.generator(config), InputType.feedForward(config.generatorInputSize()));
    }

    private static long multiplyAdds(Layer layer, InputType in, InputType out) {
        if (layer instanceof Deconvolution2D deconv) {
            // every input pixel scatters a k x k x Cout patch
            InputType.InputTypeConvolutional image = (InputType.InputTypeConvolutional) in;
            return image.getHeight() * image.getWidth() * kernelVolume(deconv);
        }
        if (layer instanceof ConvolutionLayer conv) {
            InputType.InputTypeConvolutional image = (InputType.InputTypeConvolutional) out;
            return image.getHeight() * image.getWidth() * kernelVolume(conv);
        }
        if (layer instanceof FeedForwardLayer dense
                && layer instanceof BaseLayer
                && !(layer instanceof BatchNormalization)) {
            return dense.getNIn() * dense.getNOut();
        }
        return 0;
    }

    private static long kernelVolume(ConvolutionLayer conv) {
        int[] kernel = conv.getKernelSize();
        return conv.getNIn() * conv.getNOut() * kernel[0] * kernel[1];
    }
}
