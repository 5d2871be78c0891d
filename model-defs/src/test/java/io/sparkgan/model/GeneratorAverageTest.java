package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.state.CheckpointFiles;
import io.sparkgan.model.state.GanCheckpoint;
import io.sparkgan.model.training.GeneratorAverage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class GeneratorAverageTest {

    @Test
    void afterOneHalfLifeOfImagesTheStartingPointWeighsOneHalf() {
        // 10 kimg half-life, 256 images per G update: 0.5 after 10000 / 256 updates
        double beta = GeneratorAverage.beta(10, 0, 256, 1e9);
        assertEquals(0.5, Math.pow(beta, 10_000 / 256.0), 1e-12);
        // the ramp-up caps the half-life at 5% of the images so far: 1000 images -> a 50-image half-life
        assertEquals(Math.pow(0.5, 256 / 50.0), GeneratorAverage.beta(10, 0.05, 256, 1000), 1e-12);
        assertEquals(beta, GeneratorAverage.beta(10, 0.05, 256, 1e9), 1e-15);
    }

    @Test
    void theAverageMovesTowardsTheGeneratorByOneMinusBeta() {
        GanModelConfig config = GanModelConfig.mlp(2, 3);
        Network g = GanNetworks.generator(config);
        GeneratorAverage average = new GeneratorAverage(g);
        INDArray start = average.values().dup();
        g.params().addi(1);
        average.update(g, 0.75);
        assertTrue(average.values().sub(start).sub(0.25).amaxNumber().doubleValue() < 1e-6);
        Network copy = average.applyTo(GanNetworks.generator(config));
        assertEquals(average.values(), copy.params());
    }

    @TempDir
    Path dir;

    @Test
    void checkpointsKeepTheAveragedGeneratorAndRefuseToLoseIt() throws Exception {
        GanModelConfig config = GanModelConfig.mlp(2, 3);
        config.emaKimg = 1;
        Network g = GanNetworks.generator(config);
        Network averaged = GanNetworks.generator(config);
        averaged.params().addi(0.5);
        CheckpointFiles files = CheckpointFiles.localDirectory(dir);
        new GanCheckpoint(config, g, GanNetworks.discriminator(config), averaged, null).write(files);
        GanCheckpoint read = GanCheckpoint.read(files);
        assertEquals(averaged.params(), read.averagedGenerator().params());
        assertEquals(read.averagedGenerator(), read.samplingGenerator());
        Files.delete(dir.resolve(GanCheckpoint.GENERATOR_AVERAGE));
        IOException missing = assertThrows(IOException.class, () -> GanCheckpoint.read(files));
        assertTrue(missing.getMessage().contains(GanCheckpoint.GENERATOR_AVERAGE));
    }
}
