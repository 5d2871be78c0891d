package io.sparkgan.model.nets;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.SuperResolutionConfig;
import io.sparkgan.model.perf.LinearConvolution2D;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The super-resolution GAN's networks (architecture SRGAN, after Ledig et al. 2017).
 *
 * <p>G, a graph: a 9x9 convolution and its activation; {@code blocks} residual blocks (3x3 convolution, batch norm,
 * activation, 3x3 convolution, batch norm, added to the block's input); a 3x3 convolution and batch norm added to
 * the first feature map (the long skip); per 2x stage a nearest-neighbour upsampling, a 3x3 convolution and the
 * activation; a 9x9 convolution to the image and tanh; or, with {@code inputSkip}, that convolution added to the
 * input upscaled by nearest neighbour and clipped to [-1, 1]. The activation is LeakyReLU(0.2), as ESRGAN's, not the
 * paper's PReLU: DL4J 1.0.0-M2.1's PReLU backward op ({@code prelu_bp}) refuses slopes shared per channel on
 * feature maps ("Op validation failed"), and a slope per pixel would tie G to one input size. The upsampling is nearest neighbour then convolution, as ESRGAN's, rather
 * than the paper's sub-pixel convolution: DL4J has no depth-to-space layer (ND4J's op would need a custom layer
 * with its own backward pass), and resize-then-convolve avoids the checkerboard artefacts that sub-pixel and
 * transposed convolutions start with (Odena et al. 2016). Every layer is convolutional with 'same' padding, so G
 * upscales an image of any size.
 *
 * <p>D, a layer stack (G's update needs its input gradient): the paper's VGG-style pairs of 3x3 convolutions, the
 * second of each pair with stride 2, doubling the channels from {@code baseWidth} per pair while the sides stay at
 * least 4 (at most 4 pairs), batch norm after all but the first, LeakyReLU(0.2), then a 1024-unit dense layer and
 * the adversarial head.
 */
final class SuperResolutionNetworks {

    private static final int MAX_PAIRS = 4;

    private SuperResolutionNetworks() {}

    static ComputationGraphConfiguration generator(GanModelConfig c, DataType dataType) {
        SuperResolutionConfig sr = c.superResolution;
        int f = sr.features;
        // no workspaces, as for every graph G here (see ResidualGenerator)
        ComputationGraphConfiguration.GraphBuilder graph = GanNetworks.builder(c, c.seed, c.lrG, dataType)
                .trainingWorkspaceMode(WorkspaceMode.NONE)
                .inferenceWorkspaceMode(WorkspaceMode.NONE)
                .graphBuilder()
                .addInputs("low-res");
        graph.addLayer("head", new LinearConvolution2D(9, 1, 4, f, true), "low-res");
        graph.addLayer("head-act", GanNetworks.leakyReLU(), "head");
        String last = "head-act";
        for (int b = 1; b <= sr.blocks; b++) {
            String block = "block" + b;
            graph.addLayer(block + "-conv1", new LinearConvolution2D(3, 1, 1, f, false), last);
            graph.addLayer(block + "-bn1", batchNorm(f), block + "-conv1");
            graph.addLayer(block + "-act", GanNetworks.leakyReLU(), block + "-bn1");
            graph.addLayer(block + "-conv2", new LinearConvolution2D(3, 1, 1, f, false), block + "-act");
            graph.addLayer(block + "-bn2", batchNorm(f), block + "-conv2");
            graph.addVertex(block, new ElementWiseVertex(ElementWiseVertex.Op.Add), last, block + "-bn2");
            last = block;
        }
        graph.addLayer("body-conv", new LinearConvolution2D(3, 1, 1, f, false), last);
        graph.addLayer("body-bn", batchNorm(f), "body-conv");
        graph.addVertex("long-skip", new ElementWiseVertex(ElementWiseVertex.Op.Add), "head-act", "body-bn");
        last = "long-skip";
        for (int stage = 1; stage < sr.scale; stage *= 2) {
            String up = "up" + stage;
            graph.addLayer(up, new Upsampling2D.Builder(2).build(), last);
            graph.addLayer(up + "-conv", new LinearConvolution2D(3, 1, 1, f, true), up);
            graph.addLayer(up + "-act", GanNetworks.leakyReLU(), up + "-conv");
            last = up + "-act";
        }
        graph.addLayer("to-image", new LinearConvolution2D(9, 1, 4, c.channels, true), last);
        if (sr.inputSkip) {
            graph.addLayer("input-upscaled", new Upsampling2D.Builder(sr.scale).build(), "low-res");
            graph.addVertex(
                    "with-input", new ElementWiseVertex(ElementWiseVertex.Op.Add), "input-upscaled", "to-image");
            graph.addLayer(
                    "image",
                    new ActivationLayer.Builder()
                            .activation(Activation.HARDTANH)
                            .build(),
                    "with-input");
        } else {
            graph.addLayer(
                    "image",
                    new ActivationLayer.Builder().activation(Activation.TANH).build(),
                    "to-image");
        }
        graph.setOutputs("image");
        graph.setInputTypes(InputType.convolutional(c.height / sr.scale, c.width / sr.scale, c.channels));
        return graph.build();
    }

    static MultiLayerConfiguration discriminator(GanModelConfig c, DataType dataType) {
        NeuralNetConfiguration.ListBuilder list =
                GanNetworks.builder(c, c.seed + 1, c.lrD, dataType).list();
        int layer = 0;
        int channels = c.baseWidth;
        int h = c.height;
        int w = c.width;
        for (int pair = 0; pair < MAX_PAIRS && h / 2 >= 4 && w / 2 >= 4; pair++) {
            for (int stride = 1; stride <= 2; stride++) {
                boolean first = pair == 0 && stride == 1;
                list.layer(layer++, new LinearConvolution2D(3, stride, 1, channels, first));
                if (!first) {
                    list.layer(layer++, batchNorm(channels));
                }
                list.layer(layer++, GanNetworks.leakyReLU());
            }
            channels *= 2;
            h = (h + 1) / 2;
            w = (w + 1) / 2;
        }
        list.layer(
                layer++,
                new DenseLayer.Builder()
                        .nOut(1024)
                        .activation(Activation.IDENTITY)
                        .build());
        list.layer(layer++, GanNetworks.leakyReLU());
        list.layer(layer, GanNetworks.discriminatorOutput(c));
        list.setInputType(InputType.convolutional(c.height, c.width, c.channels));
        return list.build();
    }

    private static BatchNormalization batchNorm(int channels) {
        return new BatchNormalization.Builder().nOut(channels).build();
    }
}
