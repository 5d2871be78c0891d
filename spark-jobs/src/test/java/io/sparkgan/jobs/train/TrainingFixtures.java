package io.sparkgan.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.gan.GanTraining;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.superres.SuperResolutionTraining;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.state.GanCheckpoint;
import io.sparkgan.model.state.GanState;
import io.sparkgan.model.training.GeneratorAverage;
import java.io.IOException;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;

/** Small, fast training setups for the distributed-training tests. */
public final class TrainingFixtures {

    private TrainingFixtures() {}

    /** A tiny DCGAN config on a 28x28 dataset: a few ms per step. */
    public static TrainConfig tinyRun(String data, String runDir) {
        TrainConfig config = new TrainConfig();
        config.data = data;
        config.runDir = runDir;
        config.workers = 2;
        config.batchPerWorker = 8;
        config.averagingEvery = 2;
        config.checkpointEvery = 2;
        config.threadsPerWorker = 1;
        config.sampleCount = 4;
        config.seed = 7;
        GanModelConfig model = config.model;
        model.baseWidth = 4;
        model.latentSize = 8;
        return config;
    }

    /** kimg for exactly {@code rounds} rounds of a config over its (non-empty) workers. */
    public static double kimgFor(TrainConfig config, int rounds, int activeWorkers) {
        return rounds * (double) config.averagingEvery * config.batchPerWorker * activeWorkers / 1000.0;
    }

    public static TrainingMaster.Summary train(SparkSession spark, TrainConfig config, TrainingMaster.Start start)
            throws IOException {
        return new TrainingMaster(
                        spark,
                        TrainConfig.fromJson(config.toJson()),
                        config.model.architecture.generative() ? new GanTraining() : new SuperResolutionTraining(),
                        start)
                .train();
    }

    /** The GAN state in a run's latest checkpoint, with G's moving average when the run keeps one. */
    public static GanState latestState(SparkSession spark, String runDir) throws IOException {
        return state(latestCheckpoint(spark, runDir));
    }

    public static GanCheckpoint latestCheckpoint(SparkSession spark, String runDir) throws IOException {
        CheckpointStore<GanCheckpoint> store =
                GanCheckpoints.store(new RunStorage(runDir, spark.sparkContext().hadoopConfiguration()), 100);
        return store.load(store.latest().orElseThrow());
    }

    /** The committed checkpoints of a run, each with its marker's text: what a resume must leave as it was. */
    public static SortedMap<Long, String> committedMarkers(SparkSession spark, String runDir) throws IOException {
        RunStorage storage = new RunStorage(runDir, spark.sparkContext().hadoopConfiguration());
        SortedMap<Long, String> markers = new TreeMap<>();
        for (long step : GanCheckpoints.store(storage, 100).steps()) {
            markers.put(
                    step,
                    storage.readString(
                            CheckpointStore.DIR + "/" + CheckpointStore.name(step) + "/" + CheckpointStore.MARKER));
        }
        return markers;
    }

    /**
     * Asserts the path the last start of a run took, not only where it ended (a deterministic restart from round 0
     * ends with the bits of a resume): it started at {@code firstRound} from checkpoint {@code step}, the state it
     * loaded is that checkpoint's, and every checkpoint committed up to {@code step} before it started is still
     * there, unchanged and verifying.
     */
    public static void assertResumedFrom(
            SparkSession spark, String runDir, long step, long firstRound, Map<Long, String> committedBefore)
            throws IOException {
        RunStorage storage = new RunStorage(runDir, spark.sparkContext().hadoopConfiguration());
        JsonNode last = lastStart(storage);
        assertEquals(firstRound, last.path("firstRound").asLong(-1), "the round the process started at: " + last);
        assertEquals(step, last.path("fromCheckpoint").asLong(-1), "the checkpoint it loaded: " + last);
        CheckpointStore<GanCheckpoint> store = GanCheckpoints.store(storage, 100);
        assertEquals(
                state(store.load(step)).sha256(),
                last.path("loadedStateSha256").asText(),
                "the state it loaded is the checkpoint's");
        Map<Long, String> kept = committedMarkers(spark, runDir);
        committedBefore.forEach((committed, marker) -> {
            if (committed <= step) {
                assertEquals(marker, kept.get(committed), "checkpoint " + committed + " kept as it was");
                try {
                    assertNull(store.verify(committed), "checkpoint " + committed + " verifies");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
    }

    /**
     * Asserts that the run in {@code runDir} started from checkpoint {@code step} of the run in {@code fromRun} (a
     * warm start): at the round after that checkpoint's, with its state.
     */
    public static void assertWarmStartedFrom(SparkSession spark, String runDir, String fromRun, long step)
            throws IOException {
        var conf = spark.sparkContext().hadoopConfiguration();
        JsonNode start = lastStart(new RunStorage(runDir, conf));
        GanCheckpoint champion =
                GanCheckpoints.store(new RunStorage(fromRun, conf), 100).load(step);
        assertEquals(fromRun, start.path("warmStartFrom").asText(), "warm-started from: " + start);
        assertEquals(step, start.path("fromCheckpoint").asLong(-1), "from its checkpoint: " + start);
        assertEquals(
                champion.trainingState().get("round").asLong() + 1,
                start.path("firstRound").asLong(-1),
                "at the round after it, not at round 0: " + start);
        assertEquals(state(champion).sha256(), start.path("loadedStateSha256").asText(), "with the checkpoint's state");
    }

    private static JsonNode lastStart(RunStorage storage) throws IOException {
        JsonNode starts =
                Json.MAPPER.readTree(storage.readString(RunDirectory.RUN_JSON)).path("starts");
        return starts.get(starts.size() - 1);
    }

    private static GanState state(GanCheckpoint checkpoint) {
        return GanState.capture(
                checkpoint.generator(),
                checkpoint.discriminator(),
                checkpoint.averagedGenerator() != null ? new GeneratorAverage(checkpoint.averagedGenerator()) : null);
    }
}
