package io.sparkgan.model.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.sampling.LatentNoise;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class VectorisedLeakyReLUTest {

    @Test
    void forwardAndBackwardEqualNd4jsLeakyReLU() {
        INDArray z = LatentNoise.sample(1, 8, 300, DataType.FLOAT).reshape(8, 3, 10, 10);
        INDArray epsilon = LatentNoise.sample(2, 8, 300, DataType.FLOAT).reshape(8, 3, 10, 10);
        IActivation reference = new ActivationLReLU(0.2);
        IActivation vectorised = new VectorisedLeakyReLU(0.2);

        assertEquals(reference.getActivation(z.dup(), true), vectorised.getActivation(z.dup(), true));
        assertEquals(
                reference.backprop(z.dup(), epsilon.dup()).getFirst(),
                vectorised.backprop(z.dup(), epsilon.dup()).getFirst());
    }

    @Test
    void slopeAtTheKinkIsAlphaAsInPyTorch() {
        // ND4J's derivative takes slope 1 at exactly 0; PyTorch, and this class, take alpha
        INDArray z = Nd4j.createFromArray(new float[] {0f, -1f, 1f});
        INDArray epsilon = Nd4j.createFromArray(new float[] {2f, 2f, 2f});
        assertEquals(
                Nd4j.createFromArray(new float[] {0.4f, 0.4f, 2f}),
                new VectorisedLeakyReLU(0.2).backprop(z, epsilon).getFirst());
    }

    @Test
    void survivesTheNetworkConfigurationJson() {
        GanModelConfig config = GanModelConfig.dcgan(16, 16, 1);
        String json = GanNetworks.discriminator(config)
                .layerStack()
                .getLayerWiseConfigurations()
                .toJson();
        var restored = org.deeplearning4j.nn.conf.MultiLayerConfiguration.fromJson(json);
        // D's first convolution is followed by its LeakyReLU as a layer of its own
        var leaky = (org.deeplearning4j.nn.conf.layers.ActivationLayer)
                restored.getConf(1).getLayer();
        assertEquals(new VectorisedLeakyReLU(0.2), leaky.getActivationFn());
    }
}
