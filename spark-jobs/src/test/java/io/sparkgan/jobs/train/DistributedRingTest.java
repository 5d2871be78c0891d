package io.sparkgan.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.DatasetWriter;
import io.sparkgan.data.PixelImage;
import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.toy.GaussianRing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Data-parallel training learns a distribution with countable modes: 8 Gaussians (std 0.02) on a circle of radius
 * 0.9 (the largest whose points fit the 8-bit range), stored as a real dataset (each point a 1x2 gray "image",
 * quantised to 8 bits like any image) and trained on Spark with 2 and 4 workers under the default averaging, each
 * worker taking 1500 steps. Every mode must be covered, and at least 40% of samples must land on one (64% to 87%
 * measured). With the ring's high learning rate (2e-3) the automatic averaging period is 1 step; 8 steps lost
 * modes here (2 of 8 with 4 workers, docs/TRAINING.md).
 */
class DistributedRingTest extends LocalSparkTest {

    private static final GaussianRing RING = new GaussianRing(8, 0.9, 0.02);
    /**
     * With D judging pairs (PacGAN, below), seeds 3 (this test's), 4, 5 and 6 on a Xeon's default floating-point path,
     * after 1500 steps: 8 modes in all eight runs (the thinnest mode 87 points, of the 20 a mode needs); within 3 std
     * 86%, 80%, 66%, 64% with 2 workers and 85%, 87%, 86%, 83% with 4. For seeds 4-6, after 1000 steps 6 to 8 modes,
     * 29% to 62%; after 2000 8 modes, 61% to 91%. Thresholds: 8 modes, 40% within 3 std.
     */
    private static final int STEPS_PER_WORKER = 1500;

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

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {2, 4})
    @Timeout(value = 6, unit = TimeUnit.MINUTES) // a hang guard, not a performance assertion
    void workersUnderTheDefaultAveragingCoverEveryMode(int workers) throws Exception {
        TrainConfig config = new TrainConfig();
        config.data = ring;
        config.runDir = dir.resolve("run-" + workers).toString();
        config.workers = workers;
        config.batchPerWorker = 256;
        config.kimg = STEPS_PER_WORKER * (double) workers * config.batchPerWorker / 1000;
        config.checkpointEvery = 10_000;
        config.evaluateEvery = 0;
        config.threadsPerWorker = 1;
        config.seed = 3;
        // the single-machine ring test's networks and recipe: MLPs of 2 x 128, z of 8, Adam 2e-3 ...
        GanModelConfig model = config.model;
        model.architecture = GanModelConfig.Architecture.MLP;
        model.dataDim = 2;
        model.latentSize = 8;
        model.mlpHidden = 128;
        model.mlpLayers = 2;
        model.lrG = 2e-3;
        model.lrD = 2e-3;
        // ... but with D judging pairs: without packing, seed 5 collapsed onto 1 or 2 modes (7% within 3 std after
        // 1500 steps with 2 workers, 6% after 3000; 0 modes with 4 workers), and seed 4 reached 39% after 1500 steps.
        // A G that covers few modes makes similar pairs, which D tells apart; with it, seed 5 covered all 8 modes.
        model.pack = 2;

        TrainingMaster.Summary summary = TrainingFixtures.train(spark, config, TrainingMaster.Start.NEW);
        assertEquals(STEPS_PER_WORKER, summary.steps());
        assertEquals(STEPS_PER_WORKER, summary.rounds(), "the automatic period at 2e-3 is one step");

        INDArray z = LatentNoise.sample(99, 2000, model.latentSize, DataType.FLOAT);
        INDArray samples = TrainingFixtures.latestCheckpoint(spark, config.runDir)
                .generator()
                .output(z);
        GaussianRing.Coverage coverage = RING.coverage(samples, 20);
        String figures = workers + " workers: " + coverage.modesCovered() + " modes, " + coverage.highQualityFraction()
                + " within 3 std, per mode " + Arrays.toString(coverage.pointsPerMode());
        System.out.println("distributed ring, " + figures);
        assertEquals(8, coverage.modesCovered(), figures);
        assertTrue(coverage.highQualityFraction() >= 0.4, figures);
    }
}
