package io.sparkgan.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.gan.GanTraining;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.model.Json;
import io.sparkgan.model.augment.DiffAugment;
import io.sparkgan.model.losses.GanLoss;
import io.sparkgan.model.state.GanCheckpoint;
import io.sparkgan.model.state.GanState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints, resume and the run directory's ownership, on Spark local mode with two workers. */
class ResumeTest extends LocalSparkTest {

    @TempDir
    Path runs;

    @Test
    void interruptedAndResumedRunEndsBitIdenticalToAnUninterruptedOne() throws Exception {
        Path checkpoints = runs.resolve("interrupted/checkpoints");
        TrainConfig[] pair = wholeAndResumed("interrupted", data, c -> {}, 4, 2, () -> {
            // what a crash mid-checkpoint leaves behind: a temporary directory, and (on a store without atomic
            // rename) a committed-looking directory without its marker
            Files.createDirectories(checkpoints.resolve(".tmp-000000006-crashed"));
            Files.write(checkpoints.resolve(".tmp-000000006-crashed/generator.zip"), new byte[] {1, 2, 3});
            Files.createDirectories(checkpoints.resolve("000000099"));
            Files.write(checkpoints.resolve("000000099/generator.zip"), new byte[] {1, 2, 3});
        });
        TrainConfig whole = pair[0];
        TrainConfig interrupted = pair[1];

        GanState expected = TrainingFixtures.latestState(spark, whole.runDir);
        GanState resumed = TrainingFixtures.latestState(spark, interrupted.runDir);
        assertArrayEquals(expected.values(), resumed.values(), 0f);
        assertEquals(expected.generatorIterations(), resumed.generatorIterations());
        assertTrue(Files.notExists(checkpoints.resolve(".tmp-000000006-crashed")), "leftovers cleaned");
        assertTrue(Files.notExists(checkpoints.resolve("000000099")), "incomplete checkpoint discarded");
        assertEquals(
                "000000008", Files.readString(checkpoints.resolve("latest")).trim());

        List<String> lines = Files.readAllLines(Path.of(interrupted.runDir, "metrics/train.jsonl"));
        assertEquals(4, lines.size(), String.join("\n", lines));
        for (int round = 0; round < 4; round++) {
            JsonNode line = Json.MAPPER.readTree(lines.get(round));
            assertEquals(round, line.get("round").asInt());
            assertTrue(line.get("dLoss").asDouble() > 0
                    && line.get("imagesPerSecond").asDouble() > 0);
        }
        assertTrue(Files.size(Path.of(interrupted.runDir, "samples/000000008.png")) > 0);
    }

    @Test
    void aDamagedLatestCheckpointIsPassedOverAndTheRunEndsExact() throws Exception {
        Path generator = runs.resolve("damaged/checkpoints/000000004/generator.zip");
        long[] damagedSize = new long[1];
        TrainConfig[] pair = wholeAndResumed(
                "damaged",
                data,
                c -> c.checkpointEvery = 1,
                3,
                2,
                () -> {
                    // the latest checkpoint's generator loses its second half (a copy that stopped short), same name
                    byte[] bytes = Files.readAllBytes(generator);
                    Files.write(generator, java.util.Arrays.copyOf(bytes, bytes.length / 2));
                    damagedSize[0] = bytes.length / 2;
                },
                1);
        TrainConfig whole = pair[0];
        TrainConfig damaged = pair[1];
        assertArrayEquals(
                TrainingFixtures.latestState(spark, whole.runDir).values(),
                TrainingFixtures.latestState(spark, damaged.runDir).values(),
                0f);
        assertEquals(
                3,
                Files.readAllLines(Path.of(damaged.runDir, "metrics/train.jsonl"))
                        .size());
        Path setAside = runs.resolve("damaged/checkpoints/unverified");
        try (var aside = Files.list(setAside)) {
            Path kept = aside.findFirst().orElseThrow();
            assertTrue(kept.getFileName().toString().startsWith("000000004"), kept.toString());
            assertEquals(damagedSize[0], Files.size(kept.resolve("generator.zip")), "set aside as it was, not deleted");
        }
    }

    @Test
    void aResumeThatFindsNoCheckpointThatVerifiesStopsNamingThemAndDeletesNothing() throws Exception {
        TrainConfig config =
                TrainingFixtures.tinyRun(data, runs.resolve("unverified").toString());
        config.checkpointEvery = 1;
        config.kimg = TrainingFixtures.kimgFor(config, 2, 2);
        TrainingFixtures.train(spark, config, TrainingMaster.Start.NEW);
        Path checkpoints = runs.resolve("unverified/checkpoints");
        for (String step : List.of("000000002", "000000004")) {
            // one flipped byte: same size, another hash
            Path discriminator = checkpoints.resolve(step + "/discriminator.zip");
            byte[] bytes = Files.readAllBytes(discriminator);
            bytes[bytes.length / 2] ^= 1;
            Files.write(discriminator, bytes);
        }
        Map<Long, String> before = TrainingFixtures.committedMarkers(spark, config.runDir);
        config.kimg = TrainingFixtures.kimgFor(config, 3, 2);

        CheckpointStore.UnverifiedCheckpoints refused = assertThrows(
                CheckpointStore.UnverifiedCheckpoints.class,
                () -> TrainingFixtures.train(spark, config, TrainingMaster.Start.RESUME));
        String message = refused.getMessage();
        assertTrue(
                message.contains("000000002/discriminator.zip")
                        && message.contains("000000004/discriminator.zip")
                        && message.contains("checksum")
                        && message.contains("--restart-unverified"),
                message);
        assertEquals(before, TrainingFixtures.committedMarkers(spark, config.runDir), "nothing deleted");
        assertEquals(
                2,
                Files.readAllLines(Path.of(config.runDir, "metrics/train.jsonl"))
                        .size());

        // accepted: the run starts again from round 0, the checkpoints set aside
        new TrainingMaster(
                        spark,
                        TrainConfig.fromJson(config.toJson()),
                        new GanTraining(),
                        TrainingMaster.Start.RESUME,
                        new TrainingMaster.Options(false, false, null, true))
                .train();
        JsonNode starts = Json.MAPPER
                .readTree(Files.readString(Path.of(config.runDir, "run.json")))
                .get("starts");
        assertEquals(0, starts.get(starts.size() - 1).get("firstRound").asInt(), starts.toString());
        try (var aside = Files.list(checkpoints.resolve("unverified"))) {
            assertEquals(2, aside.count(), "both set aside, not deleted");
        }
        assertEquals(
                List.of(2L, 4L, 6L),
                GanCheckpoints.store(
                                new RunStorage(
                                        config.runDir, spark.sparkContext().hadoopConfiguration()),
                                10)
                        .steps());
    }

    @Test
    void aRunWhoseMarkersRecordTheEmptyHashOfGanJsonResumesFromItsLatestCheckpoint() throws Exception {
        // what every run written before the double-close fix holds: gan.json listed with its true size and the
        // SHA-256 of no bytes
        String emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        TrainConfig[] pair = wholeAndResumed("before-the-fix", data, c -> {}, 3, 2, () -> {
            Path marker = runs.resolve("before-the-fix/checkpoints/000000004/" + CheckpointStore.MARKER);
            var listing = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(marker.toFile());
            ((com.fasterxml.jackson.databind.node.ObjectNode) listing.get(GanCheckpoint.STATE))
                    .put("sha256", emptyHash);
            Files.writeString(marker, Json.MAPPER.writeValueAsString(listing));
        });
        assertArrayEquals(
                TrainingFixtures.latestState(spark, pair[0].runDir).values(),
                TrainingFixtures.latestState(spark, pair[1].runDir).values(),
                0f);
    }

    @Test
    void resumeStaysExactWithTheMovingAverageLossesAugmentationAndDiscriminatorSteps() throws Exception {
        Consumer<TrainConfig> controls = c -> {
            c.model.emaKimg = 0.05;
            c.model.emaRampup = 0.05;
            c.model.loss = GanLoss.LEAST_SQUARES;
            c.model.labelSmoothing = 0.1;
            c.model.augment = DiffAugment.parse("color,translation,cutout");
            c.model.dSteps = 2;
        };
        TrainConfig[] pair = wholeAndResumed("controls", data, controls, 4, 2, () -> {});
        TrainConfig whole = pair[0];
        TrainConfig interrupted = pair[1];

        GanState expected = TrainingFixtures.latestState(spark, whole.runDir);
        GanState resumed = TrainingFixtures.latestState(spark, interrupted.runDir);
        assertTrue(expected.layout().gAverage() > 0, "the average is part of the state");
        assertArrayEquals(expected.values(), resumed.values(), 0f);
        GanCheckpoint checkpoint = TrainingFixtures.latestCheckpoint(spark, whole.runDir);
        assertNotEquals(
                checkpoint.generator().params(),
                checkpoint.averagedGenerator().params(),
                "the averaged G lags the trained one");
        assertTrue(Files.exists(Path.of(whole.runDir, "checkpoints/000000008/generator-ema.zip")));
    }

    @Test
    void aRunStoppedAfterARollbackResumesFromTheRolledBackStateAtTheLoweredRates() throws Exception {
        String evaluated = io.sparkgan.jobs.TestData.mnistWithEvaluator();
        Consumer<TrainConfig> rollingBack = c -> {
            c.checkpointEvery = 1;
            c.evaluateEvery = 1;
            c.evalSamples = 64;
            c.onCollapse = TrainConfig.OnCollapse.ROLLBACK;
            c.maxRollbacks = 5;
            // a D-loss floor no run stays above: the second evaluation in a row is always a collapse
            c.collapseDLoss = 100;
            c.collapsePatience = 2;
        };
        // stopped right after the rollback at the second evaluation, before another checkpoint
        TrainConfig[] pair = wholeAndResumed("rollback", evaluated, rollingBack, 3, 2, () -> {});
        TrainConfig whole = pair[0];
        TrainConfig interrupted = pair[1];

        List<String> evaluations = Files.readAllLines(Path.of(whole.runDir, "eval/metrics.jsonl"));
        JsonNode collapse = Json.MAPPER.readTree(evaluations.get(1)).get("collapse");
        assertEquals("rollback", collapse.get("action").asText(), evaluations.toString());
        assertEquals(2, collapse.get("rollbackTo").asLong(), "back to the first checkpoint, the best");
        assertEquals(
                withoutTimes(evaluations),
                withoutTimes(Files.readAllLines(Path.of(interrupted.runDir, "eval/metrics.jsonl"))));
        GanCheckpoint expected = TrainingFixtures.latestCheckpoint(spark, whole.runDir);
        GanCheckpoint resumed = TrainingFixtures.latestCheckpoint(spark, interrupted.runDir);
        assertEquals(whole.model.lrG / 2, resumed.config().lrG, 1e-12, "trained on at the lowered rate");
        assertArrayEquals(
                TrainingFixtures.latestState(spark, whole.runDir).values(),
                TrainingFixtures.latestState(spark, interrupted.runDir).values(),
                0f);
        assertEquals(expected.config().lrD, resumed.config().lrD, 0);
    }

    @Test
    void aRunDirectoryOfAnotherRunIsRefusedUnlessResumeOrOverwrite() throws Exception {
        TrainConfig config =
                TrainingFixtures.tinyRun(data, runs.resolve("owned").toString());
        config.kimg = TrainingFixtures.kimgFor(config, 2, 2);
        TrainingFixtures.train(spark, config, TrainingMaster.Start.NEW);
        String firstRunId = runId(config);

        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class, () -> TrainingFixtures.train(spark, config, TrainingMaster.Start.NEW));
        assertTrue(
                refused.getMessage().contains("--resume")
                        && refused.getMessage().contains("--overwrite"),
                refused.getMessage());

        TrainConfig other = TrainingFixtures.tinyRun(data, config.runDir);
        other.kimg = config.kimg;
        other.seed = 8;
        IllegalArgumentException different = assertThrows(
                IllegalArgumentException.class,
                () -> TrainingFixtures.train(spark, other, TrainingMaster.Start.RESUME));
        assertTrue(different.getMessage().contains("differ"), different.getMessage());

        TrainingFixtures.train(spark, other, TrainingMaster.Start.OVERWRITE);
        assertNotEquals(firstRunId, runId(config));
    }

    @Test
    void twoRunsWithTheSameSeedAreBitIdentical() throws Exception {
        float[][] finals = new float[2][];
        for (int i = 0; i < 2; i++) {
            TrainConfig config =
                    TrainingFixtures.tinyRun(data, runs.resolve("repeat-" + i).toString());
            config.kimg = TrainingFixtures.kimgFor(config, 2, 2);
            TrainingFixtures.train(spark, config, TrainingMaster.Start.NEW);
            finals[i] = TrainingFixtures.latestState(spark, config.runDir).values();
        }
        assertArrayEquals(finals[0], finals[1], 0f);
    }

    /** Something done to a stopped run's directory before it is resumed. */
    private interface Between {
        void run() throws Exception;
    }

    /**
     * Two runs of {@code setup}: {@code whole-NAME} runs {@code rounds} rounds uninterrupted; {@code NAME} stops
     * after {@code stopAfter}, has {@code between} done to it, and is resumed to the same budget, which must start
     * from its checkpoint after {@code stopAfter} rounds.
     */
    private TrainConfig[] wholeAndResumed(
            String name, String dataset, Consumer<TrainConfig> setup, int rounds, int stopAfter, Between between)
            throws Exception {
        return wholeAndResumed(name, dataset, setup, rounds, stopAfter, between, stopAfter);
    }

    /** As above, the resume starting from the checkpoint after {@code resumeRound} rounds. */
    private TrainConfig[] wholeAndResumed(
            String name,
            String dataset,
            Consumer<TrainConfig> setup,
            int rounds,
            int stopAfter,
            Between between,
            int resumeRound)
            throws Exception {
        TrainConfig whole =
                TrainingFixtures.tinyRun(dataset, runs.resolve("whole-" + name).toString());
        setup.accept(whole);
        whole.kimg = TrainingFixtures.kimgFor(whole, rounds, 2);
        TrainingFixtures.train(spark, whole, TrainingMaster.Start.NEW);
        TrainConfig stopped =
                TrainingFixtures.tinyRun(dataset, runs.resolve(name).toString());
        setup.accept(stopped);
        stopped.kimg = TrainingFixtures.kimgFor(stopped, stopAfter, 2);
        TrainingFixtures.train(spark, stopped, TrainingMaster.Start.NEW);
        between.run();
        Map<Long, String> committed = TrainingFixtures.committedMarkers(spark, stopped.runDir);
        stopped.kimg = whole.kimg;
        TrainingFixtures.train(spark, stopped, TrainingMaster.Start.RESUME);
        TrainingFixtures.assertResumedFrom(
                spark, stopped.runDir, (long) resumeRound * stopped.averagingEvery, resumeRound, committed);
        return new TrainConfig[] {whole, stopped};
    }

    private static List<String> withoutTimes(List<String> lines) {
        return lines.stream()
                .map(l -> l.replaceAll("\"seconds\":[0-9.E-]+", "\"seconds\":0"))
                .toList();
    }

    private String runId(TrainConfig config) throws Exception {
        return Json.MAPPER
                .readTree(Files.readString(Path.of(config.runDir, "run.json")))
                .get("runId")
                .asText();
    }
}
