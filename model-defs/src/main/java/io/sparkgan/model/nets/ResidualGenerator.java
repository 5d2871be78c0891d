package io.sparkgan.model.nets;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.perf.LinearConvolution2D;
import io.sparkgan.model.perf.LinearDeconvolution2D;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The DCGAN generator with one residual block at its first feature map: 3x3 convolution, batch norm, ReLU, 3x3
 * convolution, batch norm, added to the block's input by an element-wise vertex, then the DCGAN's up-scaling
 * stages. A graph ({@code ComputationGraph}), not a layer stack: it proves that such a generator trains through
 * the same step and engine, and it is the shape of the super-resolution generator to come.
 */
final class ResidualGenerator {

    private ResidualGenerator() {}

    static ComputationGraphConfiguration configuration(GanModelConfig c, DataType dataType) {
        int stages = GanNetworks.upscalingStages(c.height, c.width);
        int startH = c.height >> stages;
        int startW = c.width >> stages;
        int channels = c.baseWidth << (stages - 1);
        // no workspaces: a graph's layers cache arrays of the forward pass (batch norm's deviation) in a workspace
        // that is closed before an external gradient is backpropagated
        ComputationGraphConfiguration.GraphBuilder graph = GanNetworks.builder(c, c.seed, c.lrG, dataType)
                .trainingWorkspaceMode(WorkspaceMode.NONE)
                .inferenceWorkspaceMode(WorkspaceMode.NONE)
                .graphBuilder()
                .addInputs("z");
        graph.addLayer("dense", GanNetworks.latentToFeatures(c, (long) startH * startW * channels), "z");
        String last = normalisedActivation(
                graph,
                "start",
                c.batchNorm,
                channels,
                Activation.RELU,
                new FeedForwardToCnnPreProcessor(startH, startW, channels),
                "dense");
        graph.addLayer("block-conv1", new LinearConvolution2D(3, 1, 1, channels, !c.batchNorm), last);
        String inner =
                normalisedActivation(graph, "block-1", c.batchNorm, channels, Activation.RELU, null, "block-conv1");
        graph.addLayer("block-conv2", new LinearConvolution2D(3, 1, 1, channels, !c.batchNorm), inner);
        String branch = "block-conv2";
        if (c.batchNorm) {
            graph.addLayer(
                    "block-bn2", new BatchNormalization.Builder().nOut(channels).build(), branch);
            branch = "block-bn2";
        }
        graph.addVertex("block-add", new ElementWiseVertex(ElementWiseVertex.Op.Add), last, branch);
        last = "block-add";
        for (int s = 1; s < stages; s++) {
            channels /= 2;
            graph.addLayer("up" + s, new LinearDeconvolution2D(4, 2, 1, channels, !c.batchNorm), last);
            last = normalisedActivation(graph, "up" + s, c.batchNorm, channels, Activation.RELU, null, "up" + s);
        }
        graph.addLayer("to-image", new LinearDeconvolution2D(4, 2, 1, c.channels, true), last);
        graph.addLayer(
                "image",
                new ActivationLayer.Builder().activation(Activation.TANH).build(),
                "to-image");
        graph.setOutputs("image");
        graph.setInputTypes(InputType.feedForward(c.generatorInputSize()));
        return graph.build();
    }

    /** Batch norm (when on) and the activation after vertex {@code input}; returns the activation's name. */
    private static String normalisedActivation(
            ComputationGraphConfiguration.GraphBuilder graph,
            String name,
            boolean batchNorm,
            int channels,
            Activation activation,
            InputPreProcessor preProcessor,
            String input) {
        String last = input;
        if (batchNorm) {
            graph.addLayer(
                    name + "-bn",
                    new BatchNormalization.Builder().nOut(channels).build(),
                    preProcessor,
                    last);
            last = name + "-bn";
            preProcessor = null;
        }
        graph.addLayer(
                name + "-act",
                new ActivationLayer.Builder().activation(activation).build(),
                preProcessor,
                last);
        return name + "-act";
    }
}
