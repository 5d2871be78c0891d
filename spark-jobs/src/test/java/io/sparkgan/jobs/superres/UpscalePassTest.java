package io.sparkgan.jobs.superres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.Network;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** G runs on a batch in chunks whose size follows the output size, with the output of the whole batch. */
class UpscalePassTest {

    @Test
    void largeOutputsAreUpscaledInChunksSmallOnesWhole() {
        // MNIST x2 keeps whole batches; 48x48 tiles x4 (192x192 out) run 28 at a time, not 256 (1.2 GB activations)
        assertEquals(256, UpscalePass.chunkSize(56 * 56));
        assertEquals(28, UpscalePass.chunkSize(192 * 192));
        assertEquals(1, UpscalePass.chunkSize(2048 * 2048));
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
