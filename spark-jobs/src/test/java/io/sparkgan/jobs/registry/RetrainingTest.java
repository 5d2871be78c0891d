package io.sparkgan.jobs.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.TestData;
import io.sparkgan.jobs.cli.SparkGanCli;
import io.sparkgan.jobs.gan.GanTraining;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.FaultInjection;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunLock;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.train.GanCheckpoints;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.jobs.train.TrainingFixtures;
import io.sparkgan.jobs.train.TrainingMaster;
import io.sparkgan.model.Json;
import io.sparkgan.model.state.GanCheckpoint;
import io.sparkgan.model.state.GanState;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
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
        return retrainOn(registry, evaluated, "0", extra);
    }

    /** retrain on {@code dataset}, evaluating every {@code evaluateEvery} checkpoints while it trains (0: never). */
    private static TestData.CliResult retrainOn(
            String registry, String dataset, String evaluateEvery, String... extra) {
        return TestData.cli(
                retrainArguments(registry, dataset, evaluateEvery, extra).toArray(String[]::new));
    }

    private static List<String> retrainArguments(
            String registry, String dataset, String evaluateEvery, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "retrain",
                "--registry",
                registry,
                "--data",
                dataset,
                "--kimg",
                ROUNDS_2,
                "--seed",
                "7",
                "--evaluate-every",
                evaluateEvery,
                "--eval-samples",
                "300"));
        args.addAll(TestData.TINY_RUN);
        args.addAll(List.of(extra));
        return args;
    }

    /** A retrain that fails at {@code point} ({@link FaultInjection#failAt}), as a crash there would stop it. */
    private static TestData.CliResult crashingAt(String point, Supplier<TestData.CliResult> retrain) {
        System.setProperty(FaultInjection.FAIL_AT, point);
        try {
            return retrain.get();
        } finally {
            System.clearProperty(FaultInjection.FAIL_AT);
        }
    }

    /** The names of the candidate runs under the registry's runs/. */
    private static List<String> candidateRuns(String registry) throws IOException {
        Path runs = Path.of(registry, ModelRegistry.RUNS);
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        try (Stream<Path> listed = Files.list(runs)) {
            return listed.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A run's directory name, from the URI the registry records. */
    private static String name(String run) {
        return new org.apache.hadoop.fs.Path(run).getName();
    }

    private static ModelRegistry opened(String registry) throws IOException {
        return ModelRegistry.existing(registry, spark.sparkContext().hadoopConfiguration());
    }

    private static JsonNode outcome(String registry) throws java.io.IOException {
        return Json.MAPPER.readTree(
                Path.of(registry, "outcomes", "champion.json").toFile());
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
        // what a scheduler reads where spark-submit's exit code says nothing (cluster deploy mode)
        JsonNode promoted = outcome(registry);
        assertEquals("promoted", promoted.get("outcome").asText());
        assertEquals(0, promoted.get("exitCode").asInt());
        assertEquals(champion.run(), promoted.get("candidateRun").asText());
        assertEquals(1, promoted.get("version").asInt());
        TestData.CliResult read = TestData.cli("outcome", "--registry", registry);
        assertEquals(0, read.exitCode(), read.err());
        assertTrue(read.out().contains("\"outcome\" : \"promoted\""), read.out());
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
        JsonNode kept = outcome(registry);
        assertEquals("kept", kept.get("outcome").asText());
        assertEquals(99, kept.get("exitCode").asInt());
        assertTrue(kept.get("message").asText().contains("by more than the margin"), kept.toString());
        assertEquals(
                99,
                TestData.cli("outcome", "--registry", registry, "--alias", "champion")
                        .exitCode());
        String name = kept.get("name").asText();
        assertEquals(
                99,
                TestData.cli("outcome", "--registry", registry, "--expect-name", name)
                        .exitCode());
        TestData.CliResult older = TestData.cli("outcome", "--registry", registry, "--expect-name", "nightly-2");
        assertEquals(2, older.exitCode());
        assertTrue(older.err().contains("not of 'nightly-2'"), older.err());
        assertEquals(champion.run(), opened.require("champion").run());
        List<JsonNode> history = opened.history();
        assertEquals(2, history.size());
        assertTrue(history.get(0).get("promoted").asBoolean());
        assertFalse(history.get(1).get("promoted").asBoolean());
        assertTrue(history.get(1).get("reason").asText().contains("by more than the margin"), history.toString());
        assertEquals(champion.run(), history.get(1).get("champion").get("run").asText());
        assertTrue(history.get(1).get("candidate").get("fid").asDouble() > 0);
        assertEquals(history.get(0).get("dataManifestDigest"), history.get(1).get("dataManifestDigest"));
        // the path, not only the end: the candidate started from the champion's checkpoint, not from round 0
        TrainingFixtures.assertWarmStartedFrom(
                spark, history.get(1).get("run").asText(), champion.run(), champion.checkpoint());

        // the kept candidate was warm-started: on the same data it is the champion's run resumed for 2 more rounds
        Path resumed = dir.resolve("resumed");
        FileUtils.copyDirectory(Path.of(java.net.URI.create(champion.run())).toFile(), resumed.toFile());
        // the copy is a run of its own directory
        Path runJson = resumed.resolve(RunDirectory.RUN_JSON);
        ObjectNode run = (ObjectNode) Json.MAPPER.readTree(runJson.toFile());
        ((ObjectNode) run.get("config")).put("runDir", resumed.toString());
        Files.writeString(runJson, Json.MAPPER.writeValueAsString(run));
        TrainConfig config = TrainConfig.storedIn(
                new RunDirectory(resumed.toString(), spark.sparkContext().hadoopConfiguration()));
        config.runDir = resumed.toString();
        config.kimg = 2 * config.kimg;
        SortedMap<Long, String> committed = TrainingFixtures.committedMarkers(spark, resumed.toString());
        new TrainingMaster(spark, config, new GanTraining(), TrainingMaster.Start.RESUME).train();
        long latest = committed.lastKey();
        TrainingFixtures.assertResumedFrom(
                spark, resumed.toString(), latest, latest / config.averagingEvery, committed);
        assertArrayEquals(
                state(resumed.toUri().toString()).values(),
                state(history.get(1).get("run").asText()).values());
    }

    @Test
    void aCrashBetweenTheVersionAndTheAliasLeavesNoChampionAndTheNextRetrainFinishesIt() throws Exception {
        String registry = dir.resolve("crashing").toString();
        TestData.CliResult crashed = crashingAt("registry-version-written", () -> retrain(registry));
        assertEquals(2, crashed.exitCode());
        ModelRegistry opened =
                ModelRegistry.existing(registry, spark.sparkContext().hadoopConfiguration());
        assertTrue(opened.alias("champion").isEmpty(), "the alias was not switched");
        assertTrue(opened.history().isEmpty());
        String candidate = opened.pending("champion").get("run").asText();

        TestData.CliResult again = retrain(registry);
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(candidate, opened.require("champion").run(), "the crashed retrain's candidate, resumed");
        assertEquals(1, opened.require("champion").version());
        assertEquals(1, opened.history().size());
        assertTrue(opened.pending("champion") == null);
    }

    @Test
    void aSecondRetrainIsRefusedWhileOneHoldsTheRegistry() throws Exception {
        String registry = dir.resolve("locked").toString();
        ModelRegistry opened = ModelRegistry.open(registry, spark.sparkContext().hadoopConfiguration());
        try (RunLock held = opened.lock("a retrain", false)) {
            TestData.CliResult refused = retrain(registry);
            assertEquals(5, refused.exitCode());
            assertTrue(refused.err().contains("another retrain holds registry"), refused.err());
            TestData.CliResult notBroken = retrain(registry, "--break-lock");
            assertEquals(5, notBroken.exitCode(), notBroken.err());
            assertTrue(notBroken.err().contains("still running on this host"), notBroken.err());
        }
        assertTrue(opened.history().isEmpty());
        // the outcome is the lock holder's to write: the refused retrains left none
        assertFalse(Files.exists(Path.of(registry, "outcomes")));
        TestData.CliResult none = TestData.cli("outcome", "--registry", registry);
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("outcomes/champion.json does not exist"), none.err());
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

    @Test
    void aRetrainOfAnotherAliasOrOnOtherDataDoesNotTakeOverAnUnfinishedCandidate() throws Exception {
        String registry = dir.resolve("two-aliases").toString();
        TestData.CliResult crashed = crashingAt("registry-version-written", () -> retrain(registry, "--alias", "a"));
        assertEquals(2, crashed.exitCode(), crashed.err());
        List<String> unfinished = candidateRuns(registry);
        assertEquals(1, unfinished.size(), unfinished.toString());
        String candidateOfA = unfinished.get(0);

        TestData.CliResult other = retrain(registry, "--alias", "b", "--keep-candidates", "0");
        assertEquals(0, other.exitCode(), other.err());
        ModelRegistry opened = opened(registry);
        assertNotEquals(candidateOfA, name(opened.require("b").run()), "b promoted a's unfinished candidate");
        assertTrue(opened.alias("a").isEmpty());
        assertEquals("b", opened.history().get(0).get("alias").asText());
        assertTrue(candidateRuns(registry).contains(candidateOfA), "a's pending candidate is not pruned");

        // a's next retrain is on other data: the candidate trained on the old data is not judged on the new
        Path newData = dir.resolve("new-data");
        FileUtils.copyDirectory(Path.of(evaluated).toFile(), newData.toFile());
        TestData.CliResult onNewData = retrainOn(registry, newData.toString(), "0", "--alias", "a");
        assertEquals(0, onNewData.exitCode(), onNewData.err());
        assertNotEquals(candidateOfA, name(opened.require("a").run()));
        JsonNode abandoned = opened.history().get(1);
        assertEquals(candidateOfA, name(abandoned.get("run").asText()));
        assertEquals("a", abandoned.get("alias").asText());
        assertFalse(abandoned.get("promoted").asBoolean());
        assertTrue(abandoned.get("reason").asText().contains("abandoned"), abandoned.toString());
        assertEquals(3, opened.history().size());
    }

    @Test
    void aRetrainRefusedForBadInputLeavesNothingPendingAndACandidateNeverCreatedIsSetAside() throws Exception {
        String registry = dir.resolve("bad-input").toString();
        TestData.CliResult refused = retrain(registry, "--normal-classes", "99");
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("--normal-classes: class 99"), refused.err());
        assertEquals(List.of(), candidateRuns(registry));

        // stopped after it recorded its candidate as pending, before the run was created
        TestData.CliResult crashed = crashingAt("registry-pending-recorded", () -> retrain(registry));
        assertEquals(2, crashed.exitCode(), crashed.err());

        TestData.CliResult next = retrain(registry);
        assertEquals(0, next.exitCode(), next.err());
        ModelRegistry opened = opened(registry);
        assertEquals(1, opened.require("champion").version());
        assertEquals(1, opened.history().size());
    }

    @Test
    void aKilledRetrainIsTakenOverWithBreakLock() throws Exception {
        String registry = dir.resolve("killed").toString();
        Path log = dir.resolve("killed.log");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent"))
                .toList());
        // killed (halted, no shutdown hook runs) once its candidate's last checkpoint is committed
        command.addAll(List.of(
                "-D" + FaultInjection.HALT_AT + "=checkpoint-committed@4",
                "-cp",
                System.getProperty("java.class.path"),
                SparkGanCli.class.getName()));
        command.addAll(retrainArguments(registry, evaluated, "0", "--master", "local[2]"));
        Process killed = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(killed.waitFor(300, TimeUnit.SECONDS), "the retrain did not stop");
        assertEquals(137, killed.exitValue(), Files.readString(log));
        List<String> candidates = candidateRuns(registry);
        assertEquals(1, candidates.size(), candidates.toString());
        Path candidate = Path.of(registry, ModelRegistry.RUNS, candidates.get(0));
        assertTrue(Files.exists(Path.of(registry, "run.lock")), "the registry's lock is left behind");
        assertTrue(Files.exists(candidate.resolve("run.lock")), "the candidate run's lock is left behind");

        TestData.CliResult refused = retrain(registry);
        assertEquals(5, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("pass --break-lock"), refused.err());

        TestData.CliResult taken = retrain(registry, "--break-lock");
        assertEquals(0, taken.exitCode(), taken.err());
        ModelRegistry opened = opened(registry);
        assertEquals(candidates.get(0), name(opened.require("champion").run()), "the killed retrain's candidate");
        assertFalse(Files.exists(Path.of(registry, "run.lock")));
        assertFalse(Files.exists(candidate.resolve("run.lock")));
    }

    @Test
    void aCandidateStoppedForACollapseIsNeverPromotedAndTheRetrainExits3() throws Exception {
        String registry = dir.resolve("collapsed").toString();
        // a D-loss floor that no run stays above makes every evaluation look like a collapse
        TestData.CliResult stopped = retrainOn(
                registry,
                evaluated,
                "1",
                "--on-collapse",
                "stop",
                "--collapse-d-loss",
                "100",
                "--collapse-patience",
                "1");
        assertEquals(3, stopped.exitCode(), stopped.err());
        assertTrue(stopped.err().contains("possible mode collapse"), stopped.err());
        ModelRegistry opened = opened(registry);
        assertTrue(opened.alias("champion").isEmpty(), "a collapsed candidate was promoted");
        List<JsonNode> history = opened.history();
        assertEquals(1, history.size());
        assertFalse(history.get(0).get("promoted").asBoolean());
        assertTrue(history.get(0).get("reason").asText().contains("collapse"), history.toString());
    }

    @Test
    void anAliasThatIsNotAPlainNameIsRefusedBeforeAnythingIsTrained() throws Exception {
        String registry = dir.resolve("aliases-refused").toString();
        for (String alias : List.of("../versions/1", "..", ".", "a/b", "")) {
            TestData.CliResult refused = retrain(registry, "--alias", alias);
            assertEquals(2, refused.exitCode(), alias + ": " + refused.err());
            assertTrue(refused.err().contains("--alias"), refused.err());
        }
        assertEquals(List.of(), candidateRuns(registry));
        TestData.CliResult generate = TestData.cli(
                "generate",
                "--registry",
                registry,
                "--alias",
                "../versions/1",
                "--output",
                dir.resolve("never").toString(),
                "--count",
                "16");
        assertEquals(2, generate.exitCode(), generate.err());
        assertTrue(generate.err().contains("--alias"), generate.err());
    }

    @Test
    void aCrashAfterTheDecisionIsRecordedIsFinishedWithoutASecondLineOrASkippedVersion() throws Exception {
        String registry = dir.resolve("recorded").toString();
        TestData.CliResult crashed = crashingAt("registry-history-recorded", () -> retrain(registry));
        assertEquals(2, crashed.exitCode(), crashed.err());
        ModelRegistry opened = opened(registry);
        ModelRegistry.Entry champion = opened.require("champion");
        assertEquals(1, opened.history().size());

        TestData.CliResult again = retrain(registry);
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(1, opened.history().size(), "the decision is recorded once");
        assertEquals(champion.run(), opened.require("champion").run());
        assertEquals(
                2,
                opened.promote("champion", champion.run(), champion.checkpoint(), champion.metrics())
                        .version(),
                "the next promotion is version 2");
    }

    @Test
    void candidateRunsBeyondTheLastKAreDeletedAndEveryPromotedOneIsKept() throws Exception {
        String registry = dir.resolve("retention").toString();
        TestData.CliResult first = retrain(registry);
        assertEquals(0, first.exitCode(), first.err());
        String champion = name(opened(registry).require("champion").run());
        // left by a retrain that stopped before it recorded anything
        Files.createDirectories(Path.of(registry, ModelRegistry.RUNS, "candidate-orphan"));
        // pending in an older version's pending.json
        Path legacy = Files.createDirectories(Path.of(registry, ModelRegistry.RUNS, "candidate-legacy"));
        Files.writeString(
                Path.of(registry, ModelRegistry.LEGACY_PENDING),
                Json.MAPPER
                        .createObjectNode()
                        .put("run", legacy.toUri().toString())
                        .toString());

        TestData.CliResult kept = retrain(registry, "--fid-margin", "1e9", "--keep-candidates", "0");
        assertEquals(99, kept.exitCode(), kept.err());
        assertEquals(List.of(champion, "candidate-legacy"), candidateRuns(registry));
        assertEquals(2, opened(registry).history().size());
    }

    private static GanState state(String runDir) throws Exception {
        CheckpointStore<GanCheckpoint> store =
                GanCheckpoints.store(new RunStorage(runDir, spark.sparkContext().hadoopConfiguration()), 100);
        GanCheckpoint checkpoint = store.load(store.latest().orElseThrow());
        return GanState.capture(checkpoint.generator(), checkpoint.discriminator());
    }
}
