package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.perf.OneDnnLayers;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.state.CheckpointFiles;
import io.sparkgan.model.state.GanCheckpoint;
import io.sparkgan.model.training.GanStep;
import io.sparkgan.model.training.StepStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class GanCheckpointTest {

    @TempDir
    Path dir;

    /** A layer-stack G and a graph G (the residual DCGAN) alike. */
    @ParameterizedTest
    @EnumSource(
            value = GanModelConfig.Architecture.class,
            names = {"DCGAN", "DCGAN_RESIDUAL"})
    void roundTripIsBitIdenticalAndTheNextStepIsToo(GanModelConfig.Architecture architecture) throws IOException {
        GanModelConfig config = GanStepTest.smallDcgan();
        config.architecture = architecture;
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
        assertEquals(3, OneDnnLayers.activeLayers(loaded.discriminator().model()), "fast path restored");
        assertEquals(original.generator().getClass(), loaded.generator().getClass(), "a graph stays a graph");

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

    private static void assertSameState(Network expected, Network actual) {
        assertArrayEquals(expected.params().toFloatVector(), actual.params().toFloatVector(), 0f);
        assertArrayEquals(
                expected.updaterState().toFloatVector(), actual.updaterState().toFloatVector(), 0f);
        assertEquals(expected.iterations(), actual.iterations());
    }
}
