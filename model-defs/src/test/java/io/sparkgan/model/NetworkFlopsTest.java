package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.NetworkFlops;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;

class NetworkFlopsTest {

    @Test
    void countsMultiplyAddsOfTheTensorflowTutorialDcgan() {
        GanModelConfig config = GanModelConfig.dcgan(28, 28, 1);
        config.architecture = GanModelConfig.Architecture.DCGAN_K5;
        // G: dense 100x12544; 7x7 inputs x 5x5x256x128 (stride 1); 7x7 x 5x5x128x64; 14x14 x 5x5x64x1
        long g = 100L * 12544 + 49L * 25 * 256 * 128 + 49L * 25 * 128 * 64 + 196L * 25 * 64;
        // D: 14x14 outputs x 5x5x1x64; 7x7 x 5x5x64x128; dense 6272x1
        long d = 196L * 25 * 64 + 49L * 25 * 64 * 128 + 6272;
        assertEquals(
                2 * g,
                NetworkFlops.forwardPerSample(
                        GanNetworks.generator(config).layerStack().getLayerWiseConfigurations(),
                        InputType.feedForward(100)));
        assertEquals(
                2 * d,
                NetworkFlops.forwardPerSample(
                        GanNetworks.discriminator(config).layerStack().getLayerWiseConfigurations(),
                        InputType.convolutional(28, 28, 1)));
        assertEquals(2 * (3 * g + 9 * d), NetworkFlops.ganStepPerSample(config));
    }

    @Test
    void countsTheRadfordDcganAt64x64() {
        GanModelConfig config = GanModelConfig.dcgan(64, 64, 3);
        // G: dense 100 -> 4x4x512, then 4x4 stride-2 transposed convs 512->256->128->64->3
        long g = 100L * 8192 + 16L * 16 * 512 * 256 + 64L * 16 * 256 * 128 + 256L * 16 * 128 * 64 + 1024L * 16 * 64 * 3;
        // D: 4x4 stride-2 convs 3->64->128->256->512 (outputs 32, 16, 8, 4), dense 8192->1
        long d = 1024L * 16 * 3 * 64 + 256L * 16 * 64 * 128 + 64L * 16 * 128 * 256 + 16L * 16 * 256 * 512 + 8192;
        assertEquals(2 * (3 * g + 9 * d), NetworkFlops.ganStepPerSample(config));
    }
}
