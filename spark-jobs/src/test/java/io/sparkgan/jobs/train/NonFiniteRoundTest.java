package io.sparkgan.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.TestData;
import io.sparkgan.jobs.engine.EngineWorker;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.FaultInjection;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.model.Json;
import io.sparkgan.model.state.GanCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One worker's NaN never reaches the average, a checkpoint or checkpoints/best; repeated ones stop the run. */
class NonFiniteRoundTest extends LocalSparkTest {

    @TempDir
    Path runs;

    @AfterEach
    void noMoreFaults() {
        System.clearProperty(FaultInjection.NON_FINITE);
        FaultInjection.reset();
    }

    @Test
    void aRoundWithOneWorkersNanIsRedoneAtLowerRatesAndNothingOfItIsKept() throws Exception {
        TrainConfig config =
                TrainingFixtures.tinyRun(data, runs.resolve("nan-once").toString());
        config.checkpointEvery = 1;
        config.kimg = TrainingFixtures.kimgFor(config, 3, 2);
        // the worker of partition 1 in the second round (global steps 2 and 3) reports NaN once
        System.setProperty(FaultInjection.NON_FINITE, "2:1");
        TrainingFixtures.train(spark, config, TrainingMaster.Start.NEW);

        List<String> rejected = Files.readAllLines(runs.resolve("nan-once/" + RunDirectory.REJECTED_LOG));
        assertEquals(1, rejected.size(), rejected.toString());
        JsonNode line = Json.MAPPER.readTree(rejected.get(0));
        assertEquals(1, line.get("round").asInt());
        assertTrue(line.get("reason").asText().contains("partitions [1]"), line.toString());
        assertEquals("retry", line.get("action").asText());
        assertEquals(
                3,
                Files.readAllLines(runs.resolve("nan-once/metrics/train.jsonl")).size(),
                "the rejected attempt is not a round");

        GanCheckpoint last = TrainingFixtures.latestCheckpoint(spark, config.runDir);
        assertEquals(config.model.lrG / 2, last.config().lrG, 1e-12);
        assertEquals(1, last.trainingState().get("rejectedRounds").asInt());
        assertTrue(EngineWorker.allFinite(
                TrainingFixtures.latestState(spark, config.runDir).values()));
    }

    @Test
    void aWorkerThatKeepsProducingNanStopsTheRunWithExitCodeFourAndTheLastGoodCheckpoint() throws Exception {
        Path runDir = runs.resolve("nan-always");
        System.setProperty(FaultInjection.NON_FINITE, "2:0:always");
        TestData.CliResult result = TestData.cli(
                "train",
                "--data",
                data,
                "--run-dir",
                runDir.toString(),
                "--workers",
                "2",
                "--batch-per-worker",
                "8",
                "--averaging-every",
                "2",
                "--base-width",
                "4",
                "--latent",
                "8",
                "--checkpoint-every",
                "1",
                "--kimg",
                "0.096",
                "--max-rejected-rounds",
                "2");
        assertEquals(4, result.exitCode(), result.err());
        assertTrue(
                result.err().contains("partitions [0]") && result.err().contains("--max-rejected-rounds 2"),
                result.err());
        assertEquals(
                3, Files.readAllLines(runDir.resolve(RunDirectory.REJECTED_LOG)).size());
        CheckpointStore<GanCheckpoint> store = GanCheckpoints.store(
                new RunStorage(runDir.toString(), spark.sparkContext().hadoopConfiguration()), 10);
        assertEquals(List.of(2L), store.steps(), "only the round before the fault was checkpointed");
        assertTrue(EngineWorker.allFinite(
                TrainingFixtures.latestState(spark, runDir.toString()).values()));
        assertFalse(Files.exists(runDir.resolve("run.lock")), "a stopped run releases its lock");
    }
}
