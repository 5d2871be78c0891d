package io.sparkgan.model.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * D's convolutions skip DL4J's forward recomputation in their backward pass; they must still give DL4J's
 * gradients. The reference is DL4J's own {@code ConvolutionLayer} with the activation inside it, as D was built
 * before, with the same parameters.
 */
class LinearConvolution2DTest {

    @ParameterizedTest
    @EnumSource(
            value = DataType.class,
            names = {"FLOAT", "DOUBLE"})
    void givesTheGradientsOfDl4jsConvolutionLayer(DataType dataType) {
        MultiLayerNetwork reference = network(dataType, false);
        MultiLayerNetwork linear = network(dataType, true);
        assertEquals(reference.numParams(), linear.numParams());
        linear.setParams(reference.params());
        INDArray images = Nd4j.rand(dataType, 6, 1, 16, 16).subi(0.5).muli(2);
        INDArray targets =
                Nd4j.create(new double[][] {{1}, {0}, {1}, {1}, {0}, {0}}).castTo(dataType);

        INDArray referenceInputGradient =
                reference.calculateGradients(images, targets, null, null).getSecond();
        INDArray referenceGradient = reference.getFlattenedGradients().dup();
        INDArray linearInputGradient =
                linear.calculateGradients(images, targets, null, null).getSecond();
        INDArray linearGradient = linear.getFlattenedGradients().dup();

        double tolerance = dataType == DataType.FLOAT ? 1e-5 : 1e-10;
        assertClose(reference.output(images, true), linear.output(images, true), tolerance);
        assertClose(referenceInputGradient, linearInputGradient, tolerance);
        assertClose(referenceGradient, linearGradient, tolerance);
        assertTrue(linearGradient.norm2Number().doubleValue() > 0, "a gradient to compare");
    }

    @ParameterizedTest
    @EnumSource(
            value = DataType.class,
            names = {"FLOAT", "DOUBLE"})
    void givesTheSameParameterGradientWithoutTheInputGradient(DataType dataType) {
        MultiLayerNetwork net = network(dataType, true);
        INDArray images = Nd4j.rand(dataType, 6, 1, 16, 16).subi(0.5).muli(2);
        INDArray targets =
                Nd4j.create(new double[][] {{1}, {0}, {1}, {1}, {0}, {0}}).castTo(dataType);
        net.calculateGradients(images, targets, null, null);
        INDArray withInputGradient = net.getFlattenedGradients().dup();

        LinearConvolution2D.computeInputGradient(net, false);
        INDArray inputGradient =
                net.calculateGradients(images, targets, null, null).getSecond();
        INDArray without = net.getFlattenedGradients().dup();
        LinearConvolution2D.computeInputGradient(net, true);

        assertNull(inputGradient);
        assertClose(withInputGradient, without, dataType == DataType.FLOAT ? 1e-5 : 1e-10);
        // the first layer's weights and bias lead the flattened gradient: they must be there, not zeros
        long firstLayer = net.getLayer(0).numParams();
        assertTrue(without.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, firstLayer))
                        .norm2Number()
                        .doubleValue()
                > 0);
        assertNotNull(net.calculateGradients(images, targets, null, null).getSecond(), "on again");
    }

    /** conv (LeakyReLU, bias) then conv (no bias), batch norm, LeakyReLU, and a sigmoid head: D in small. */
    private static MultiLayerNetwork network(DataType dataType, boolean linear) {
        VectorisedLeakyReLU leaky = new VectorisedLeakyReLU(0.2);
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(dataType)
                .convolutionMode(ConvolutionMode.Truncate)
                .list();
        int layer = 0;
        if (linear) {
            list.layer(layer++, new LinearConvolution2D(4, 2, 1, 8, true));
            list.layer(layer++, new ActivationLayer.Builder().activation(leaky).build());
            list.layer(layer++, new LinearConvolution2D(4, 2, 1, 16, false));
        } else {
            list.layer(
                    layer++,
                    new ConvolutionLayer.Builder(4, 4)
                            .stride(2, 2)
                            .padding(1, 1)
                            .nOut(8)
                            .activation(leaky)
                            .build());
            list.layer(
                    layer++,
                    new ConvolutionLayer.Builder(4, 4)
                            .stride(2, 2)
                            .padding(1, 1)
                            .nOut(16)
                            .activation(Activation.IDENTITY)
                            .hasBias(false)
                            .build());
        }
        list.layer(layer++, new BatchNormalization.Builder().nOut(16).build());
        list.layer(layer++, new ActivationLayer.Builder().activation(leaky).build());
        list.layer(
                layer,
                new OutputLayer.Builder(LossFunctions.LossFunction.XENT)
                        .nOut(1)
                        .activation(Activation.SIGMOID)
                        .build());
        MultiLayerConfiguration conf =
                list.setInputType(InputType.convolutional(16, 16, 1)).build();
        // through JSON, as a checkpoint stores it
        MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(conf.toJson()));
        net.init();
        OneDnnLayers.enable(net);
        return net;
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance) {
        double scale = Math.max(1e-12, expected.amaxNumber().doubleValue());
        double difference = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(difference <= tolerance * scale, "differs by " + difference + " at scale " + scale);
    }
}
