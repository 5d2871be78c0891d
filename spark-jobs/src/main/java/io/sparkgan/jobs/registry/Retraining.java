package io.sparkgan.jobs.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.jobs.eval.SampleEvaluation;
import io.sparkgan.jobs.gan.GanTraining;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.FaultInjection;
import io.sparkgan.jobs.run.GracefulStop;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunLock;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.train.GanCheckpoints;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.jobs.train.TrainingMaster;
import io.sparkgan.model.Json;
import io.sparkgan.model.metrics.SampleMetrics;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.state.GanCheckpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sparkgan retrain}: a candidate trained on new data, warm-started from the registry's model (or from
 * scratch when it has none), then it and the champion are evaluated the same way on the new data (the same
 * evaluator, sample count and noise), and the candidate is promoted only when {@link Promotion} says so. The
 * decision and its reason go to the registry's history either way.
 *
 * <p>The warm start continues the champion's run: its checkpoint is copied into the candidate's run directory and
 * training resumes from it (step counts, optimizer state, learning rates) on the new data for this retrain's
 * budget, so on unchanged data it is exactly the champion's run resumed. A candidate stopped for a suspected
 * collapse is never promoted ({@link Outcome#COLLAPSED}).
 *
 * <p>Crashes: each alias's undecided candidate is pending ({@link ModelRegistry#pending}). The alias's next retrain
 * on the same data resumes it; one on other data abandons it (recorded in the history, the run kept); one whose run
 * was never created (stopped before training started) sets it aside. A retrain that stopped after switching the
 * alias, or after recording its decision, is recognised and only recorded once.
 */
public final class Retraining {

    private static final Logger LOG = LoggerFactory.getLogger(Retraining.class);

    public enum Outcome {
        PROMOTED,
        KEPT,
        /** Training stopped for a suspected mode collapse: the candidate was not evaluated against the champion. */
        COLLAPSED
    }

    public record Result(Outcome outcome, String reason, String candidateRun, long checkpoint, int version) {}

    /**
     * How a retrain runs.
     *
     * @param evaluatorUri the evaluator of both models (null: the new data's own)
     * @param fromScratch the candidate starts from a random initialisation even when there is a champion
     * @param breakLock take over the registry's and the pending candidate's locks when the retrain that held them is
     *     gone (see {@link RunLock})
     * @param keepCandidates how many of the last decided candidates stay under runs/ besides every promoted one
     */
    public record Options(String evaluatorUri, boolean fromScratch, boolean breakLock, int keepCandidates) {
        public Options {
            if (keepCandidates < 0) {
                throw new IllegalArgumentException("--keep-candidates must be >= 0, got " + keepCandidates);
            }
        }
    }

    private final SparkSession spark;
    private final ModelRegistry registry;
    private final String alias;
    private boolean heldRegistry;
    private GracefulStop stop = GracefulStop.NONE;
    /** The run the retrain trains (null until chosen). */
    private volatile String candidateRun;

    public Retraining(SparkSession spark, String registryUri, String alias) throws IOException {
        this.spark = spark;
        this.alias = ModelRegistry.checkAlias(alias);
        this.registry = ModelRegistry.open(registryUri, spark.sparkContext().hadoopConfiguration());
    }

    /** Stops the candidate's training between rounds when {@code stop} is requested; it stays pending. */
    public Retraining stopOn(GracefulStop stop) {
        this.stop = stop;
        return this;
    }

    /** The candidate run being trained or decided, or null before one is chosen. */
    public String candidateRun() {
        return candidateRun;
    }

    /** Whether {@link #retrain} got as far as holding the registry's lock (from then on the outcome is its). */
    public boolean heldRegistry() {
        return heldRegistry;
    }

    /**
     * Retrains on {@code trainOptions.data} for {@code trainOptions.kimg} (the other fields: a fresh run's settings,
     * or the ones that may change for a warm start), then decides by {@code policy}, and prunes the candidate runs.
     */
    public Result retrain(TrainConfig trainOptions, Promotion policy, Options options) throws IOException {
        try (RunLock lock = registry.lock("retrain " + UUID.randomUUID(), options.breakLock())) {
            heldRegistry = true;
            Result result = retrainLocked(trainOptions, policy, options);
            registry.pruneCandidates(options.keepCandidates());
            return result;
        }
    }

    private Result retrainLocked(TrainConfig trainOptions, Promotion policy, Options options) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Optional<ModelRegistry.Entry> champion = registry.alias(alias);
        JsonNode pending = registry.pending(alias);
        if (pending != null) {
            String pendingRun = pending.get("run").asText();
            Optional<JsonNode> recorded = registry.recorded(alias, pendingRun);
            if (recorded.isPresent()) {
                // the last retrain recorded this candidate and stopped before it cleared pending
                registry.clearPending(alias);
                if (!recorded.get().path("abandoned").asBoolean()) {
                    return resultOf(recorded.get());
                }
                pending = null;
            } else if (champion.isPresent() && champion.get().run().equals(pendingRun)) {
                // the last retrain switched the alias and stopped before it recorded that
                return recordRecovered(champion.get(), pending);
            } else if (!new RunStorage(pendingRun, hadoop).exists(RunDirectory.RUN_JSON)) {
                LOG.warn(
                        "setting aside the pending candidate {}: its retrain stopped before the run was created",
                        pendingRun);
                registry.clearPending(alias);
                pending = null;
            } else if (!sameData(pending, trainOptions.data)) {
                abandon(pending, champion.orElse(null), trainOptions.data);
                pending = null;
            }
        }
        String candidateRun;
        TrainConfig config;
        if (pending != null) {
            candidateRun = pending.get("run").asText();
            LOG.info("resuming the candidate of an unfinished retrain: {}", candidateRun);
            config = TrainConfig.storedIn(new RunDirectory(candidateRun, hadoop));
        } else {
            candidateRun = registry.runDirectory(
                    "candidate-" + Instant.now().toString().replace(':', '-'));
            config = candidateConfig(trainOptions, candidateRun, options.fromScratch() ? null : champion.orElse(null));
        }
        this.candidateRun = candidateRun;
        // the evaluation is set up before any training: a missing evaluator is found before it is needed
        SampleEvaluation evaluation = SampleEvaluation.open(spark, config.data, options.evaluatorUri());
        TrainingMaster.Summary summary;
        if (pending == null) {
            // --normal-classes against the data's classes, before the candidate is recorded
            config.normalData(spark);
            ObjectNode started = Json.MAPPER.createObjectNode();
            started.put("alias", alias);
            started.put("run", candidateRun);
            started.put("data", config.data);
            started.put("dataManifestDigest", manifestDigest(config.data));
            started.put("startedAt", Instant.now().toString());
            registry.setPending(alias, started);
            FaultInjection.failAt("registry-pending-recorded");
            TrainingMaster.WarmStart warmStart = options.fromScratch() ? null : warmStart(champion.orElse(null));
            summary = new TrainingMaster(
                            spark,
                            config,
                            new GanTraining(),
                            TrainingMaster.Start.NEW,
                            new TrainingMaster.Options(false, false, warmStart))
                    .stopOn(stop)
                    .train();
        } else {
            summary = new TrainingMaster(
                            spark,
                            config,
                            new GanTraining(),
                            TrainingMaster.Start.RESUME,
                            new TrainingMaster.Options(options.breakLock(), false))
                    .stopOn(stop)
                    .train();
        }
        if (summary.collapse() != null) {
            return recordCollapse(config, candidateRun, champion.orElse(null), evaluation, summary.collapse());
        }
        return decide(config, candidateRun, champion.orElse(null), evaluation, policy);
    }

    /** Whether a pending candidate trains on {@code data}: the same URI, and a manifest that has not changed. */
    private boolean sameData(JsonNode pending, String data) {
        return data.equals(pending.path("data").asText())
                && manifestDigest(data)
                        .equals(pending.path("dataManifestDigest").asText());
    }

    /** Records that a pending candidate on other data will not be decided on; its run stays under runs/. */
    private void abandon(JsonNode pending, ModelRegistry.Entry champion, String newData) throws IOException {
        String run = pending.get("run").asText();
        LOG.warn(
                "abandoning the pending candidate {}: it trained on {}, this retrain is on {}",
                run,
                pending.path("data").asText(),
                newData);
        // the old data's digest as recorded: it may be gone by now
        ObjectNode line = historyLine(
                run,
                pending.path("data").asText(),
                pending.path("dataManifestDigest").asText());
        line.put("promoted", false);
        line.put("abandoned", true);
        line.put("version", champion == null ? 0 : champion.version());
        line.put(
                "reason",
                "abandoned: its retrain stopped before it decided, and the next one is on other data (" + newData
                        + ")");
        registry.record(line);
        registry.clearPending(alias);
    }

    /** The candidate's config: a fresh run's, or the champion run's on the new data with this budget added. */
    private TrainConfig candidateConfig(TrainConfig options, String runDir, ModelRegistry.Entry champion)
            throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        if (!options.model.architecture.generative()) {
            throw new IllegalArgumentException("retrain gates GAN models by the FID of their samples; super-resolution"
                    + " runs (--model srgan) are not retrained through a registry");
        }
        if (champion == null) {
            TrainConfig fresh = TrainConfig.fromJson(options.toJson());
            fresh.runDir = runDir;
            fresh.validate();
            return fresh;
        }
        TrainConfig base = TrainConfig.storedIn(new RunDirectory(champion.run(), hadoop));
        GanCheckpoint checkpoint = checkpoints(champion.run()).load(champion.checkpoint());
        base.runDir = runDir;
        base.data = options.data;
        base.normalClasses = options.normalClasses;
        base.evaluator = options.evaluator;
        base.epochs = 0;
        base.kimg = checkpoint.trainingState().path("kimg").asDouble() + options.kimg;
        base.validate();
        return base;
    }

    private static TrainingMaster.WarmStart warmStart(ModelRegistry.Entry champion) {
        return champion == null ? null : new TrainingMaster.WarmStart(champion.run(), champion.checkpoint());
    }

    private CheckpointStore<GanCheckpoint> checkpoints(String runDir) {
        return GanCheckpoints.store(new RunStorage(runDir, spark.sparkContext().hadoopConfiguration()), 1000);
    }

    private Result decide(
            TrainConfig config,
            String candidateRun,
            ModelRegistry.Entry champion,
            SampleEvaluation evaluation,
            Promotion policy)
            throws IOException {
        CheckpointStore<GanCheckpoint> candidateCheckpoints = checkpoints(candidateRun);
        long step = candidateCheckpoints.latest().orElseThrow();
        // one protocol for both: the same evaluator, sample count and noise, on the new data
        long noise = LatentNoise.derive(config.seed, TrainingMaster.EVAL_NOISE);
        int tasks = spark.sparkContext().defaultParallelism();
        GanCheckpoint candidate = candidateCheckpoints.load(step);
        SampleMetrics candidateMetrics = evaluation.ofGenerator(
                candidate.samplingGenerator(), candidate.config(), config.evalSamples, noise, tasks);
        SampleMetrics championMetrics = null;
        if (champion != null) {
            GanCheckpoint loaded = checkpoints(champion.run()).load(champion.checkpoint());
            championMetrics = evaluation.ofGenerator(
                    loaded.samplingGenerator(), loaded.config(), config.evalSamples, noise, tasks);
        }
        Promotion.Decision decision = policy.decide(candidateMetrics, championMetrics);
        ObjectNode candidateJson = SampleEvaluation.toJson(candidateMetrics);
        int version = decision.promote()
                ? registry.promote(alias, candidateRun, step, candidateJson).version()
                : champion == null ? 0 : champion.version();
        ObjectNode line = historyLine(candidateRun, config.data, manifestDigest(config.data));
        line.put("checkpoint", step);
        line.put("evaluator", evaluation.evaluatorLocation());
        line.put("samples", config.evalSamples);
        line.set("candidate", candidateJson);
        if (champion != null) {
            ObjectNode old = line.putObject("champion");
            old.put("version", champion.version());
            old.put("run", champion.run());
            old.put("checkpoint", champion.checkpoint());
            old.set("metrics", SampleEvaluation.toJson(championMetrics));
        }
        line.put("promoted", decision.promote());
        line.put("version", version);
        line.put("reason", decision.reason());
        registry.record(line);
        FaultInjection.failAt("registry-history-recorded");
        registry.clearPending(alias);
        LOG.info("{}: {}", decision.promote() ? "promoted" : "kept the champion", decision.reason());
        return new Result(
                decision.promote() ? Outcome.PROMOTED : Outcome.KEPT, decision.reason(), candidateRun, step, version);
    }

    /** A candidate whose training stopped for a suspected collapse: recorded, never promoted. */
    private Result recordCollapse(
            TrainConfig config,
            String candidateRun,
            ModelRegistry.Entry champion,
            SampleEvaluation evaluation,
            String collapse)
            throws IOException {
        long step = checkpoints(candidateRun).latest().orElse(-1L);
        int version = champion == null ? 0 : champion.version();
        String reason = "the candidate's training stopped for a suspected collapse: " + collapse;
        ObjectNode line = historyLine(candidateRun, config.data, manifestDigest(config.data));
        line.put("checkpoint", step);
        line.put("evaluator", evaluation.evaluatorLocation());
        line.put("collapse", collapse);
        line.put("promoted", false);
        line.put("version", version);
        line.put("reason", reason);
        registry.record(line);
        registry.clearPending(alias);
        LOG.warn(reason);
        return new Result(Outcome.COLLAPSED, reason, candidateRun, step, version);
    }

    private Result recordRecovered(ModelRegistry.Entry promoted, JsonNode pending) throws IOException {
        String data = pending.path("data").asText();
        ObjectNode line = historyLine(promoted.run(), data, manifestDigest(data));
        line.put("checkpoint", promoted.checkpoint());
        line.set("candidate", promoted.metrics());
        line.put("promoted", true);
        line.put("version", promoted.version());
        line.put("reason", "recorded after a crash: the alias had been switched to this candidate");
        registry.record(line);
        registry.clearPending(alias);
        return resultOf(line);
    }

    /** The result a recorded decision stands for. */
    private static Result resultOf(JsonNode line) {
        Outcome outcome = line.path("promoted").asBoolean()
                ? Outcome.PROMOTED
                : line.has("collapse") ? Outcome.COLLAPSED : Outcome.KEPT;
        return new Result(
                outcome,
                line.path("reason").asText(),
                line.path("run").asText(),
                line.path("checkpoint").asLong(-1),
                line.path("version").asInt());
    }

    /** A history line's first fields: when, which alias, candidate and data. */
    private ObjectNode historyLine(String candidateRun, String data, String dataManifestDigest) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("alias", alias);
        line.put("run", candidateRun);
        line.put("data", data);
        line.put("dataManifestDigest", dataManifestDigest);
        return line;
    }

    /** SHA-256 (first 16 hex digits) of the dataset's manifest: which data a decision was made on. */
    private String manifestDigest(String data) {
        try {
            DatasetManifest manifest =
                    DatasetManifest.read(data, spark.sparkContext().hadoopConfiguration());
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Json.MAPPER.writeValueAsString(manifest).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
