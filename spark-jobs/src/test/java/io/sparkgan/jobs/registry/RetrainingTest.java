package io.sparkgan.jobs.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.TestData;
import io.sparkgan.jobs.engine.FaultInjection;
import io.sparkgan.jobs.train.CheckpointStore;
import io.sparkgan.jobs.train.RunDirectory;
import io.sparkgan.jobs.train.RunLock;
import io.sparkgan.jobs.train.RunStorage;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.jobs.train.TrainingMaster;
import io.sparkgan.model.Json;
import io.sparkgan.model.state.GanCheckpoint;
import io.sparkgan.model.state.GanState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sparkgan retrain against a registry on local files, through the command line: decisions, crashes, the lock. */
class RetrainingTest extends LocalSparkTest {

    /** A tiny GAN: 2 workers x 8 images, rounds of 2 steps, so that --kimg 0.064 is 2 rounds. */
    private static final String ROUNDS_2 = "0.064";

    @TempDir
    static Path dir;

    private static String evaluated;

    @BeforeAll
    static void data() {
        evaluated = TestData.mnistWithEvaluator();
    }

    private static TestData.CliResult retrain(String registry, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "retrain",
                "--registry",
                registry,
                "--data",
                evaluated,
                "--kimg",
                ROUNDS_2,
                "--seed",
                "7",
                "--evaluate-every",
                "0",
                "--eval-samples",
                "300"));
        args.addAll(TestData.TINY_RUN);
        args.addAll(List.of(extra));
        return TestData.cli(args.toArray(String[]::new));
    }

    @Test
    void theFirstRetrainPromotesAndAWorseOneKeepsTheChampionWithItsReasonRecorded() throws Exception {
        String registry = dir.resolve("registry").toString();
        TestData.CliResult first = retrain(registry);
        assertEquals(0, first.exitCode(), first.err());
        ModelRegistry opened =
                ModelRegistry.existing(registry, spark.sparkContext().hadoopConfiguration());
        ModelRegistry.Entry champion = opened.require("champion");
        assertEquals(1, champion.version());
        // downstream jobs name the registry, not the run
        String generated = dir.resolve("generated").toString();
        TestData.CliResult generate =
                TestData.cli("generate", "--registry", registry, "--output", generated, "--count", "16");
        assertEquals(0, generate.exitCode(), generate.err());
        var provenance = io.sparkgan.data.DatasetManifest.read(
                        generated, spark.sparkContext().hadoopConfiguration())
                .properties();
        assertEquals(champion.run(), provenance.get("run"));
        assertEquals(Long.toString(champion.checkpoint()), provenance.get("checkpoint"));

        // a margin no candidate can beat: trained, evaluated, kept
        TestData.CliResult second = retrain(registry, "--fid-margin", "1e9");
        assertEquals(99, second.exitCode(), second.err());
        assertEquals(champion.run(), opened.require("champion").run());
        List<JsonNode> history = opened.history();
        assertEquals(2, history.size());
        assertTrue(history.get(0).get("promoted").asBoolean());
        assertFalse(history.get(1).get("promoted").asBoolean());
        assertTrue(history.get(1).get("reason").asText().contains("by more than the margin"), history.toString());
        assertEquals(champion.run(), history.get(1).get("champion").get("run").asText());
        assertTrue(history.get(1).get("candidate").get("fid").asDouble() > 0);
        assertEquals(history.get(0).get("dataManifestDigest"), history.get(1).get("dataManifestDigest"));

        // the kept candidate was warm-started: on the same data it is the champion's run resumed for 2 more rounds
        Path resumed = dir.resolve("resumed");
        FileUtils.copyDirectory(Path.of(java.net.URI.create(champion.run())).toFile(), resumed.toFile());
        // the copy is a run of its own directory
        Path runJson = resumed.resolve(RunDirectory.RUN_JSON);
        ObjectNode run = (ObjectNode) Json.MAPPER.readTree(runJson.toFile());
        ((ObjectNode) run.get("config")).put("runDir", resumed.toString());
        Files.writeString(runJson, Json.MAPPER.writeValueAsString(run));
        TrainConfig config =
                new RunDirectory(resumed.toString(), spark.sparkContext().hadoopConfiguration()).storedConfig();
        config.runDir = resumed.toString();
        config.kimg = 2 * config.kimg;
        new TrainingMaster(spark, config, TrainingMaster.Start.RESUME).train();
        assertArrayEquals(
                state(resumed.toUri().toString()).values(),
                state(history.get(1).get("run").asText()).values());
    }

    @Test
    void aCrashBetweenTheVersionAndTheAliasLeavesNoChampionAndTheNextRetrainFinishesIt() throws Exception {
        String registry = dir.resolve("crashing").toString();
        System.setProperty(FaultInjection.FAIL_AT, "registry-version-written");
        TestData.CliResult crashed;
        try {
            crashed = retrain(registry);
        } finally {
            System.clearProperty(FaultInjection.FAIL_AT);
        }
        assertEquals(2, crashed.exitCode());
        ModelRegistry opened =
                ModelRegistry.existing(registry, spark.sparkContext().hadoopConfiguration());
        assertTrue(opened.alias("champion").isEmpty(), "the alias was not switched");
        assertTrue(opened.history().isEmpty());
        String candidate = opened.pending().get("run").asText();

        TestData.CliResult again = retrain(registry);
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(candidate, opened.require("champion").run(), "the crashed retrain's candidate, resumed");
        assertEquals(1, opened.require("champion").version());
        assertEquals(1, opened.history().size());
        assertTrue(opened.pending() == null);
    }

    @Test
    void aSecondRetrainIsRefusedWhileOneHoldsTheRegistry() throws Exception {
        String registry = dir.resolve("locked").toString();
        ModelRegistry opened = ModelRegistry.open(registry, spark.sparkContext().hadoopConfiguration());
        try (RunLock held = opened.lock("a retrain")) {
            TestData.CliResult refused = retrain(registry);
            assertEquals(5, refused.exitCode());
            assertTrue(refused.err().contains("another retrain holds registry"), refused.err());
        }
        assertTrue(opened.history().isEmpty());
    }

    @Test
    void aDirectoryHoldingSomethingElseIsRefused() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("notes.txt"), "mine");
        TestData.CliResult refused = retrain(other.toString());
        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().contains("holds something else than a sparkgan model registry"), refused.err());
        assertEquals(
                List.of("notes.txt"),
                Files.list(other).map(p -> p.getFileName().toString()).toList());
    }

    private static GanState state(String runDir) throws Exception {
        CheckpointStore store =
                new CheckpointStore(new RunStorage(runDir, spark.sparkContext().hadoopConfiguration()), 100);
        GanCheckpoint checkpoint = store.load(store.latest().orElseThrow());
        return GanState.capture(checkpoint.generator(), checkpoint.discriminator());
    }
}
