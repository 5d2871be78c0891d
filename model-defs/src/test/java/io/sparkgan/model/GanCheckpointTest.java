package io.sparkgan.model;

import io.sparkgan.model.perf.OneDnnLayers;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GanCheckpointTest {

    @TempDir
    Path dir;

    @Test
    void roundTripIsBitIdenticalAndTheNextStepIsToo() throws IOException {
        GanModelConfig config = GanStepTest.smallDcgan();
        GanStep original = new GanStep(GanNetworks.generator(config), GanNetworks.discriminator(config), config);
        for (int i = 0; i < 3; i++) {
            original.step(GanStepTest.realBatch(i, 8, config), noise(i, config));
        }
        var training = Json.MAPPER.createObjectNode().put("step", 3).put("seed", 42);
        new GanCheckpoint(config, original.generator(), original.discriminator(), training)
                .write(CheckpointFiles.localDirectory(dir));

        GanCheckpoint loaded = GanCheckpoint.read(CheckpointFiles.localDirectory(dir));
        assertEquals(3, loaded.trainingState().get("step").asInt());
        assertEquals(config.baseWidth, loaded.config().baseWidth);
        assertSameState(original.generator(), loaded.generator());
        assertSameState(original.discriminator(), loaded.discriminator());
        assertEquals(3, OneDnnLayers.activeLayers(loaded.discriminator()), "fast path restored");

        GanStep resumed = new GanStep(loaded.generator(), loaded.discriminator(), loaded.config());
        StepStats a = original.step(GanStepTest.realBatch(3, 8, config), noise(3, config));
        StepStats b = resumed.step(GanStepTest.realBatch(3, 8, config), noise(3, config));
        assertEquals(a, b);
        assertSameState(original.generator(), resumed.generator());
        assertSameState(original.discriminator(), resumed.discriminator());
    }

    @Test
    void aCheckpointWithoutItsStateFileIsIncomplete() throws IOException {
        GanModelConfig config = GanStepTest.smallDcgan();
        new GanCheckpoint(config, GanNetworks.generator(config), GanNetworks.discriminator(config), null)
                .write(CheckpointFiles.localDirectory(dir));
        Files.delete(dir.resolve(GanCheckpoint.STATE));
        IOException e = assertThrows(IOException.class, () -> GanCheckpoint.read(CheckpointFiles.localDirectory(dir)));
        assertTrue(e.getMessage().contains(GanCheckpoint.STATE), e.getMessage());
    }

    private static INDArray noise(long seed, GanModelConfig config) {
        return LatentNoise.sample(seed, 8, config.latentSize, DataType.FLOAT);
    }

    private static void assertSameState(MultiLayerNetwork expected, MultiLayerNetwork actual) {
        assertArrayEquals(expected.params().toFloatVector(), actual.params().toFloatVector(), 0f);
        assertArrayEquals(expected.getUpdater().getStateViewArray().toFloatVector(),
                actual.getUpdater().getStateViewArray().toFloatVector(), 0f);
        assertEquals(expected.getLayerWiseConfigurations().getIterationCount(),
                actual.getLayerWiseConfigurations().getIterationCount());
    }
}
