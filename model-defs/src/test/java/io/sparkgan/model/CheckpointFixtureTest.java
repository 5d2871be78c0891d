package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.nets.ClassConditioning;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.state.CheckpointFiles;
import io.sparkgan.model.state.GanCheckpoint;
import io.sparkgan.model.training.GanStep;
import io.sparkgan.model.training.StepStats;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A conditional checkpoint with a moving average, written by the code of 2026-12-05 (format 1; its networks name
 * sparkgan's custom layers, loss and activation by their class names of that day). It must keep loading, with the
 * same numbers, whatever classes move later (issue 18): names are upgraded on read.
 */
class CheckpointFixtureTest {

    private static final Path FIXTURE = Path.of("src/test/resources/checkpoints/format1-2026-12-05");

    @Test
    void aCheckpointOfFormatOneLoadsWithItsNumbersAndTrainsOn() throws Exception {
        GanCheckpoint checkpoint = GanCheckpoint.read(CheckpointFiles.localDirectory(FIXTURE));
        GanModelConfig config = checkpoint.config();
        assertTrue(config.conditional && config.classes == 3 && config.emaKimg == 0.01, config.toString());
        assertEquals(2, checkpoint.trainingState().get("step").asInt());
        assertEquals(
                "66a3f9b83bb7ad03065f1122ea55e2e3421dc8dad7f1ef06f9ff4480bd97e970",
                digest(checkpoint.generator().params().toFloatVector()));
        assertEquals(
                "28b002fe7f29fa930bac14e199e1667022b27899e291866541768fb6c1188d99",
                digest(checkpoint.discriminator().params().toFloatVector()));
        assertEquals(
                "77057bf9d08ff4f42019f43f7806e2cdb8f5239ccc0e752adefacb8c23a32ebb",
                digest(checkpoint.discriminator().updaterState().toFloatVector()));
        assertEquals(
                "061fb8cc8063ddf978a0c8f4a517f423820fffc3ab75ab81494b7b83abcf4034",
                digest(checkpoint.averagedGenerator().params().toFloatVector()));

        GanStep step = new GanStep(checkpoint.generator(), checkpoint.discriminator(), config);
        StepStats stats = step.step(
                GanStepTest.realBatch(7, 4, config),
                LatentNoise.sample(7, 4, config.latentSize, DataType.FLOAT),
                ClassConditioning.oneHot(new int[] {2, 1, 0, 2}, 3, DataType.FLOAT),
                7,
                true);
        assertTrue(Double.isFinite(stats.dLoss()) && Double.isFinite(stats.gLoss()), stats.toString());
    }

    private static String digest(float[] values) throws Exception {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length);
        bytes.asFloatBuffer().put(values);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
    }
}
