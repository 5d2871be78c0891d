package io.sparkgan.jobs.superres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.nets.NetworkMemory;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** G runs on a batch in chunks whose size follows the output size, with the output of the whole batch. */
class UpscalePassTest {

    @Test
    void largeImagesAreUpscaledInChunksSmallOnesWhole() {
        // G's defaults (8 blocks of 64 feature maps, 3.2 MB of activations per 14x14 input): MNIST x2 (evaluated:
        // downscaled to 14x14 first) runs 81 at a time; 64x64x3 photographs x2 (67 MB each) ran whole batches of 256,
        // 17 GB, and failed under the launcher's 3.5 GB limit; now 3 at a time
        assertEquals(81, UpscalePass.chunkSize(activationsPerImage(14, 1)));
        assertEquals(3, UpscalePass.chunkSize(activationsPerImage(64, 3)));
        assertEquals(256, UpscalePass.chunkSize(1 << 20));
        assertEquals(1, UpscalePass.chunkSize(1L << 30));
    }

    /** G's activations for one image of side {@code side} upscaled 2x. */
    private static long activationsPerImage(int side, int channels) {
        Network g = GanNetworks.generator(GanModelConfig.superResolution(2 * side, 2 * side, channels, 2));
        return NetworkMemory.inferenceActivationBytes(g, InputType.convolutional(side, side, channels), 1);
    }

    @Test
    void chunksGiveTheWholeBatchOutput() {
        GanModelConfig config = GanModelConfig.superResolution(12, 12, 3, 2);
        config.seed = 7;
        Network g = GanNetworks.generator(config);
        Nd4j.getRandom().setSeed(11);
        INDArray lowRes = Nd4j.rand(DataType.FLOAT, 8, 3, 6, 6).muli(2).subi(1);
        INDArray whole = g.output(lowRes);
        INDArray chunked = UpscalePass.outputInChunks(g, lowRes, 3);
        assertEquals(whole.shapeInfoToString(), chunked.shapeInfoToString());
        assertEquals(0.0, whole.sub(chunked).amaxNumber().doubleValue(), 1e-6);
    }
}
