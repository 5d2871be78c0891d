package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.nets.NetworkMemory;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;

class NetworkMemoryTest {

    @Test
    void countsEachLayersActivationsAndTheirGradientsPerSample() {
        GanModelConfig config = GanModelConfig.mlp(2, 8);
        config.mlpHidden = 16;
        Network d = GanNetworks.discriminator(config);
        // D: dense 2 -> 16 -> 16 -> 1 (the head): 33 activations and 33 gradients per sample, as floats
        assertEquals(2 * 33 * 4 * 10, NetworkMemory.trainingActivationBytes(d, InputType.feedForward(2), 10));
        Network g = GanNetworks.generator(config);
        long perSample = NetworkMemory.trainingActivationBytes(g, InputType.feedForward(8), 1);
        assertEquals(64 * perSample, NetworkMemory.trainingActivationBytes(g, InputType.feedForward(8), 64));
    }

    @Test
    void aGanStepHoldsGsBatchAndOneOfDsBatchesInPacks() {
        GanModelConfig config = GanModelConfig.dcgan(28, 28, 1);
        Network g = GanNetworks.generator(config);
        long gBytes = NetworkMemory.trainingActivationBytes(g, InputType.feedForward(100), 64);
        Network d = GanNetworks.discriminator(config);
        long dBytes = NetworkMemory.trainingActivationBytes(d, InputType.convolutional(28, 28, 1), 64);
        assertEquals(gBytes + dBytes, NetworkMemory.ganStepActivationBytes(config, g, d, 64));

        config.pack = 2;
        Network packed = GanNetworks.discriminator(config);
        long packs = NetworkMemory.trainingActivationBytes(packed, InputType.convolutional(28, 28, 2), 32);
        assertEquals(gBytes + packs, NetworkMemory.ganStepActivationBytes(config, g, packed, 64));
    }

    @Test
    void everyArchitectureIsCountedInProportionToTheBatch() {
        for (GanModelConfig.Architecture architecture : GanModelConfig.Architecture.values()) {
            GanModelConfig config = switch (architecture) {
                case MLP -> GanModelConfig.mlp(2, 8);
                case SRGAN -> GanModelConfig.superResolution(32, 32, 3, 4);
                default -> GanModelConfig.dcgan(28, 28, 1);
            };
            config.architecture = architecture;
            Network g = GanNetworks.generator(config);
            Network d = GanNetworks.discriminator(config);
            long one = NetworkMemory.ganStepActivationBytes(config, g, d, 1);
            assertEquals(true, one > 0, architecture.name());
            assertEquals(16 * one, NetworkMemory.ganStepActivationBytes(config, g, d, 16), architecture.name());
        }
    }

    @Test
    void theSuperResolutionGeneratorTakesTheDownscaledImage() {
        GanModelConfig config = GanModelConfig.superResolution(64, 64, 3, 2);
        Network g = GanNetworks.generator(config);
        Network d = GanNetworks.discriminator(config);
        long gBytes = NetworkMemory.trainingActivationBytes(g, InputType.convolutional(32, 32, 3), 8);
        // 8 blocks of 64 feature maps of 32x32 hold at least 5 maps each, activations and gradients: 21 MB a sample
        assertEquals(true, gBytes > 8 * 8 * 5 * 64 * 32 * 32 * 4 * 2L, "G's activations: " + gBytes);
        long dBytes = NetworkMemory.trainingActivationBytes(d, InputType.convolutional(64, 64, 3), 8);
        assertEquals(gBytes + dBytes, NetworkMemory.ganStepActivationBytes(config, g, d, 8));
    }
}
