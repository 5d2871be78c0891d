package io.sparkgan.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.DatasetWriter;
import io.sparkgan.data.PixelImage;
import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.state.GanCheckpoint;
import io.sparkgan.model.toy.GaussianRing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * More workers must shorten training, not only keep its quality: on 8 Gaussians (std 0.02) on a circle of radius 0.9
 * (the largest whose points fit the 8-bit range), stored as a real dataset (each point a 1x2 gray "image", quantised
 * to 8 bits like any image) and trained on Spark, 4 workers under the default scheme must reach every mode with 80%
 * of samples within 3 std in fewer steps per worker than one worker: by step {@value #FOUR_WORKER_STEPS}, and one
 * worker must not have reached it by {@value #SPEEDUP} times the step at which they did. Checked at every
 * checkpoint, every {@value #EVERY} steps.
 *
 * <p>The recipe puts the ring closer to MNIST: batch 64 per worker, so that each worker's gradient is noisy, Adam at
 * 1e-3, the automatic averaging period (2 steps), D judging pairs (PacGAN: without it seeds collapsed onto 1 or 2
 * modes, docs/TRAINING.md). Measured (Xeon, default floating-point path; the first step at which the goal held):
 * seed 3 (this test's), one worker 3472, 4 workers 1364 (2.5x); seed 5, 3224 and 1984 (1.6x). The scheme before
 * 2026-12-07 (unscaled rates) reached it at 1984 on seed 3 (1.75x): unlike MNIST, where it bought nothing, the ring
 * gave it a speedup, so this test guards against losing the speedup rather than telling the two schemes apart.
 */
class DistributedRingTest extends LocalSparkTest {

    private static final GaussianRing RING = new GaussianRing(8, 0.9, 0.02);
    private static final int EVERY = 124;
    private static final int FOUR_WORKER_STEPS = 20 * EVERY;
    private static final double SPEEDUP = 1.25;

    @TempDir
    static Path dir;

    private static String ring;

    @BeforeAll
    static void writeRing() {
        INDArray points = RING.sample(16384, new SplittableRandom(5));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < points.size(0); i++) {
            byte[] pixels = new byte[2];
            for (int c = 0; c < 2; c++) {
                // the dataset format's 8-bit pixels, mapped back to [-1, 1] by the trainer as any image is
                long value = Math.round((points.getDouble(i, c) + 1) * 127.5);
                pixels[c] = (byte) Math.max(0, Math.min(255, value));
            }
            rows.add(DatasetSchema.row(i, null, new PixelImage(1, 2, 1, pixels)));
        }
        ring = dir.resolve("ring").toString();
        new DatasetWriter(spark, ring, 2, false)
                .write(spark.createDataFrame(rows, DatasetSchema.SCHEMA), null, "8 Gaussians on a ring", Map.of());
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES) // a hang guard, not a performance assertion
    void fourWorkersReachEveryModeInFewerStepsEachThanOne() throws Exception {
        Reached four = train(4, FOUR_WORKER_STEPS);
        System.out.println("distributed ring, 4 workers: " + four);
        assertTrue(four.step() > 0, "4 workers never reached 8 modes with 80% within 3 std: " + four);

        Reached one = train(1, (int) (SPEEDUP * four.step()));
        System.out.println("distributed ring, 1 worker: " + one);
        assertTrue(
                one.step() < 0,
                "one worker reached the goal at step " + one.step() + ", 4 workers at " + four.step() + ": not "
                        + SPEEDUP + "x as fast; " + one);
    }

    /**
     * Trains the ring on {@code workers} workers for {@code steps} steps each; the first checkpoint at which the
     * samples cover all 8 modes with 80% within 3 std (-1 if none), and every checkpoint's figures.
     */
    private Reached train(int workers, int steps) throws Exception {
        TrainConfig config = new TrainConfig();
        config.data = ring;
        config.runDir = dir.resolve("run-" + workers).toString();
        config.workers = workers;
        config.batchPerWorker = 64;
        config.kimg = steps * (double) workers * config.batchPerWorker / 1000;
        config.evaluateEvery = 0;
        config.threadsPerWorker = 1;
        config.seed = 3;
        GanModelConfig model = config.model;
        model.architecture = GanModelConfig.Architecture.MLP;
        model.dataDim = 2;
        model.latentSize = 8;
        model.mlpHidden = 128;
        model.mlpLayers = 2;
        model.lrG = 1e-3;
        model.lrD = 1e-3;
        model.pack = 2;
        config.resolveAutomatic();
        assertEquals(2, config.averagingEvery, "the automatic period at 1e-3");
        config.checkpointEvery = EVERY / config.averagingEvery;
        config.keepCheckpoints = steps / EVERY + 1;
        TrainingFixtures.train(spark, config, TrainingMaster.Start.NEW);

        CheckpointStore<GanCheckpoint> store = GanCheckpoints.store(
                new RunStorage(config.runDir, spark.sparkContext().hadoopConfiguration()), 1);
        INDArray z = LatentNoise.sample(99, 2000, model.latentSize, DataType.FLOAT);
        StringBuilder figures = new StringBuilder();
        long reached = -1;
        for (long step : store.steps()) {
            GaussianRing.Coverage coverage =
                    RING.coverage(store.load(step).generator().output(z), 20);
            figures.append(
                    String.format(" %d: %d modes %.2f", step, coverage.modesCovered(), coverage.highQualityFraction()));
            if (reached < 0 && coverage.modesCovered() == 8 && coverage.highQualityFraction() >= 0.8) {
                reached = step;
            }
        }
        return new Reached(reached, figures.toString());
    }

    private record Reached(long step, String figures) {}
}
