package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.sampling.LatentNoise;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class GanNetworksTest {

    @ParameterizedTest
    @CsvSource({"28,28,1,2", "32,32,3,3", "64,64,3,4", "48,32,3,3", "28,28,1,2"})
    void dcganMapsLatentToImagesAndImagesToOneScore(int h, int w, int c, int stages) {
        GanModelConfig config = GanModelConfig.dcgan(h, w, c);
        config.baseWidth = 16;
        assertEquals(stages, GanNetworks.upscalingStages(h, w));
        MultiLayerNetwork g = GanNetworks.generator(config).layerStack();
        MultiLayerNetwork d = GanNetworks.discriminator(config).layerStack();
        INDArray images = g.output(LatentNoise.sample(1, 3, config.latentSize, DataType.FLOAT));
        assertArrayEquals(new long[] {3, c, h, w}, images.shape());
        assertTrue(images.amaxNumber().doubleValue() <= 1.0, "tanh output");
        INDArray scores = d.output(images);
        assertArrayEquals(new long[] {3, 1}, scores.shape());
    }

    @Test
    void mnistDcganHasTheDocumentedSize() {
        GanModelConfig config = GanModelConfig.dcgan(28, 28, 1);
        // G: dense 100 -> 7x7x128 (no bias, BN), deconv 128->64 (BN), deconv 64->1 with bias
        long g = 100L * 6272 + 4 * 128 + 128L * 64 * 16 + 4 * 64 + 64 * 16 + 1;
        // D: conv 1->64 with bias, conv 64->128 (BN), dense 6272->1
        long d = 16L * 64 + 64 + 64L * 128 * 16 + 4 * 128 + 6272 + 1;
        assertEquals(g, GanNetworks.generator(config).numParams());
        assertEquals(d, GanNetworks.discriminator(config).numParams());
    }

    @ParameterizedTest
    @CsvSource({"28,28,1", "32,32,3", "12,20,3"})
    void kernel5DcganMapsLatentToImagesAndImagesToOneScore(int h, int w, int c) {
        GanModelConfig config = GanModelConfig.dcgan(h, w, c);
        config.architecture = GanModelConfig.Architecture.DCGAN_K5;
        config.baseWidth = 8;
        INDArray images =
                GanNetworks.generator(config).output(LatentNoise.sample(1, 3, config.latentSize, DataType.FLOAT));
        assertArrayEquals(new long[] {3, c, h, w}, images.shape());
        assertArrayEquals(
                new long[] {3, 1},
                GanNetworks.discriminator(config).output(images).shape());
    }

    @Test
    void tensorflowTutorialDcganHasItsSize() {
        GanModelConfig config = GanModelConfig.dcgan(28, 28, 1);
        config.architecture = GanModelConfig.Architecture.DCGAN_K5;
        // G: dense 100 -> 7x7x256 (no bias), BN 256, deconv 5x5 256->128, BN, 128->64, BN, 64->1 with bias.
        // The tutorial's own count (2,330,944) differs only in batch-normalising the 12,544 dense outputs
        // one by one and in having no bias on the last layer.
        long g = 100L * 12544 + 4 * 256 + 25L * 256 * 128 + 4 * 128 + 25L * 128 * 64 + 4 * 64 + 25L * 64 + 1;
        // D: conv 5x5 1->64, 64->128 with biases, dense 6272->1: the tutorial's 212,865
        assertEquals(2_281_793L, g);
        assertEquals(g, GanNetworks.generator(config).numParams());
        assertEquals(212_865L, GanNetworks.discriminator(config).numParams());
    }

    @Test
    void mlpMapsLatentToPoints() {
        GanModelConfig config = GanModelConfig.mlp(2, 8);
        INDArray points = GanNetworks.generator(config).output(LatentNoise.sample(1, 5, 8, DataType.FLOAT));
        assertArrayEquals(new long[] {5, 2}, points.shape());
        assertArrayEquals(
                new long[] {5, 1},
                GanNetworks.discriminator(config).output(points).shape());
    }

    @Test
    void rejectsShapesThatAreNotMultiplesOfFour() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> GanNetworks.generator(GanModelConfig.dcgan(30, 28, 1)));
        assertTrue(e.getMessage().contains("30x28"), e.getMessage());
    }
}
