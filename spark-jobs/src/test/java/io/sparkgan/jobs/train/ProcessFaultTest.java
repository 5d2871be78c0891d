package io.sparkgan.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.TrainerProcess;
import io.sparkgan.jobs.gan.GanTraining;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.FaultInjection;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunLock;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.model.state.GanCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer as a process of its own, killed: halted at each point of a checkpoint's commit, and SIGKILLed
 * mid-run. What was committed before the kill loads, nothing after it counts, and --resume ends bit-identical to
 * an uninterrupted run.
 */
class ProcessFaultTest extends LocalSparkTest {

    private static final int ROUNDS = 4;
    /** Steps per round of {@link #config} (its averagingEvery): checkpoint step / this = rounds trained. */
    private static final int STEPS_PER_ROUND = 2;

    @TempDir
    Path runs;

    @Test
    void aKillAtAnyPointOfACheckpointCommitLeavesThePreviousCheckpointAndResumeEndsExact() throws Exception {
        float[] uninterrupted = uninterrupted("whole");
        // halted while committing the checkpoint of step 4 (the second): files written / renamed / marked
        String[][] points = {
            {"checkpoint-written", "[2]"}, {"checkpoint-renamed", "[2]"}, {"checkpoint-committed", "[2, 4]"}
        };
        for (String[] point : points) {
            Path runDir = runs.resolve(point[0]);
            Process trainer = trainer(runDir, "-D" + FaultInjection.HALT_AT + "=" + point[0] + "@4");
            assertTrue(trainer.waitFor(120, TimeUnit.SECONDS), "trainer did not stop");
            assertEquals(137, trainer.exitValue(), point[0]);
            CheckpointStore<GanCheckpoint> store = store(runDir);
            assertEquals(point[1], store.steps().toString(), point[0] + ": what counts as committed");
            long latest = store.steps().get(store.steps().size() - 1);
            store.load(latest);
            Map<Long, String> committed = TrainingFixtures.committedMarkers(spark, runDir.toString());

            assertThrows(RunLock.HeldException.class, () -> resume(runDir, false), "the dead trainer's lock");
            resume(runDir, true);
            TrainingFixtures.assertResumedFrom(spark, runDir.toString(), latest, latest / STEPS_PER_ROUND, committed);
            assertArrayEquals(
                    uninterrupted,
                    TrainingFixtures.latestState(spark, runDir.toString()).values(),
                    0f,
                    point[0]);
        }
    }

    @Test
    void aTrainerKilledMidRunResumesToTheSameEnd() throws Exception {
        float[] uninterrupted = uninterrupted("whole-sigkill");
        Path runDir = runs.resolve("sigkilled");
        Process trainer = trainer(runDir);
        Path metrics = runDir.resolve("metrics/train.jsonl");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        // wait for the first checkpoint, then kill without warning
        while (!Files.exists(runDir.resolve("checkpoints/000000002/" + CheckpointStore.MARKER))) {
            assertTrue(trainer.isAlive() && System.nanoTime() < deadline, "trainer ended before its first checkpoint");
            Thread.sleep(20);
        }
        trainer.destroyForcibly();
        trainer.waitFor();
        List<Long> committed = store(runDir).steps();
        assertTrue(!committed.isEmpty() && committed.size() < ROUNDS, "killed mid-run: " + committed);
        System.out.println("SIGKILL after checkpoints " + committed + "; rounds logged: "
                + (Files.exists(metrics) ? Files.readAllLines(metrics).size() : 0));

        Map<Long, String> markers = TrainingFixtures.committedMarkers(spark, runDir.toString());
        resume(runDir, true);
        long latest = committed.get(committed.size() - 1);
        TrainingFixtures.assertResumedFrom(spark, runDir.toString(), latest, latest / STEPS_PER_ROUND, markers);
        assertArrayEquals(
                uninterrupted,
                TrainingFixtures.latestState(spark, runDir.toString()).values(),
                0f);
        assertEquals(ROUNDS, Files.readAllLines(metrics).size(), "rounds after the last checkpoint were redone once");
    }

    private float[] uninterrupted(String name) throws Exception {
        TrainConfig config = config(runs.resolve(name));
        TrainingFixtures.train(spark, config, TrainingMaster.Start.NEW);
        return TrainingFixtures.latestState(spark, config.runDir).values();
    }

    private TrainConfig config(Path runDir) {
        TrainConfig config = TrainingFixtures.tinyRun(data, runDir.toString());
        config.checkpointEvery = 1;
        // every checkpoint kept, so that the test can tell pruning from a resume that deleted checkpoints
        config.keepCheckpoints = ROUNDS;
        assertEquals(STEPS_PER_ROUND, config.averagingEvery);
        config.kimg = TrainingFixtures.kimgFor(config, ROUNDS, 2);
        return config;
    }

    /** What `train --resume --run-dir` does: the stored options. */
    private void resume(Path runDir, boolean breakLock) throws Exception {
        TrainConfig stored = TrainConfig.storedIn(
                new RunDirectory(runDir.toString(), spark.sparkContext().hadoopConfiguration()));
        new TrainingMaster(
                        spark,
                        stored,
                        new GanTraining(),
                        TrainingMaster.Start.RESUME,
                        new TrainingMaster.Options(breakLock, false))
                .train();
    }

    private CheckpointStore<GanCheckpoint> store(Path runDir) {
        return GanCheckpoints.store(
                new RunStorage(runDir.toString(), spark.sparkContext().hadoopConfiguration()), 10);
    }

    /** `sparkgan train` of {@link #config} in a JVM of its own (this one's classpath and options). */
    private Process trainer(Path runDir, String... properties) throws Exception {
        TrainConfig c = config(runDir);
        return TrainerProcess.start(
                runs.resolve(runDir.getFileName() + ".log"),
                List.of(properties),
                List.of(
                        "train",
                        "--data",
                        data,
                        "--run-dir",
                        runDir.toString(),
                        "--master",
                        "local[2]",
                        "--workers",
                        "2",
                        "--batch-per-worker",
                        String.valueOf(c.batchPerWorker),
                        "--averaging-every",
                        String.valueOf(c.averagingEvery),
                        "--checkpoint-every",
                        "1",
                        "--keep-checkpoints",
                        String.valueOf(c.keepCheckpoints),
                        "--seed",
                        String.valueOf(c.seed),
                        "--base-width",
                        String.valueOf(c.model.baseWidth),
                        "--latent",
                        String.valueOf(c.model.latentSize),
                        "--kimg",
                        String.valueOf(c.kimg)));
    }
}
