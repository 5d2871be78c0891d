package io.sparkgan.jobs.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.jobs.engine.FaultInjection;
import io.sparkgan.jobs.eval.SampleEvaluation;
import io.sparkgan.jobs.train.CheckpointStore;
import io.sparkgan.jobs.train.RunDirectory;
import io.sparkgan.jobs.train.RunLock;
import io.sparkgan.jobs.train.RunStorage;
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
 * budget, so on unchanged data it is exactly the champion's run resumed. A retrain that crashed before it decided
 * is resumed by the next one ({@code pending.json}); one that crashed after switching the alias is recognised
 * and only recorded.
 */
public final class Retraining {

    private static final Logger LOG = LoggerFactory.getLogger(Retraining.class);

    public enum Outcome {
        PROMOTED,
        KEPT
    }

    public record Result(Outcome outcome, String reason, String candidateRun, long checkpoint, int version) {}

    private final SparkSession spark;
    private final ModelRegistry registry;
    private final String alias;

    public Retraining(SparkSession spark, String registryUri, String alias) throws IOException {
        this.spark = spark;
        this.registry = ModelRegistry.open(registryUri, spark.sparkContext().hadoopConfiguration());
        this.alias = alias;
    }

    /**
     * Retrains on {@code options.data} for {@code options.kimg} (the other fields: a fresh run's settings, or the
     * ones that may change for a warm start), evaluates with {@code evaluatorUri} (null: the new data's own).
     * {@code fromScratch}: the candidate starts from a random initialisation even when there is a champion.
     */
    public Result retrain(TrainConfig options, Promotion policy, String evaluatorUri, boolean fromScratch)
            throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        try (RunLock lock = registry.lock("retrain " + UUID.randomUUID())) {
            Optional<ModelRegistry.Entry> champion = registry.alias(alias);
            JsonNode pending = registry.pending();
            String candidateRun;
            TrainConfig config;
            if (pending != null) {
                candidateRun = pending.get("run").asText();
                if (champion.isPresent() && champion.get().run().equals(candidateRun)) {
                    // the last retrain switched the alias and stopped before it recorded that
                    return recordRecovered(champion.get(), pending);
                }
                LOG.info("resuming the candidate of an unfinished retrain: {}", candidateRun);
                config = new RunDirectory(candidateRun, hadoop).storedConfig();
            } else {
                candidateRun = registry.runDirectory(
                        "candidate-" + Instant.now().toString().replace(':', '-'));
                config = candidateConfig(options, candidateRun, fromScratch ? null : champion.orElse(null));
            }
            // the evaluation is set up before any training: a missing evaluator is found before it is needed
            SampleEvaluation evaluation = SampleEvaluation.open(spark, config.data, evaluatorUri);
            if (pending == null) {
                ObjectNode started = Json.MAPPER.createObjectNode();
                started.put("run", candidateRun);
                started.put("data", config.data);
                started.put("startedAt", Instant.now().toString());
                registry.setPending(started);
                FaultInjection.failAt("registry-pending-recorded");
                new TrainingMaster(
                                spark,
                                config,
                                TrainingMaster.Start.NEW,
                                new TrainingMaster.Options(
                                        false, false, fromScratch ? null : warmStart(champion.orElse(null))))
                        .train();
            } else {
                new TrainingMaster(spark, config, TrainingMaster.Start.RESUME).train();
            }
            return decide(config, candidateRun, champion.orElse(null), evaluation, policy);
        }
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
        TrainConfig base = new RunDirectory(champion.run(), hadoop).storedConfig();
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

    private CheckpointStore checkpoints(String runDir) {
        return new CheckpointStore(new RunStorage(runDir, spark.sparkContext().hadoopConfiguration()), 1000);
    }

    private Result decide(
            TrainConfig config,
            String candidateRun,
            ModelRegistry.Entry champion,
            SampleEvaluation evaluation,
            Promotion policy)
            throws IOException {
        CheckpointStore candidateCheckpoints = checkpoints(candidateRun);
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
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("alias", alias);
        line.put("run", candidateRun);
        line.put("checkpoint", step);
        line.put("data", config.data);
        line.put("dataManifestDigest", manifestDigest(config.data));
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
        registry.clearPending();
        LOG.info("{}: {}", decision.promote() ? "promoted" : "kept the champion", decision.reason());
        return new Result(
                decision.promote() ? Outcome.PROMOTED : Outcome.KEPT, decision.reason(), candidateRun, step, version);
    }

    private Result recordRecovered(ModelRegistry.Entry promoted, JsonNode pending) throws IOException {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("alias", alias);
        line.put("run", promoted.run());
        line.put("checkpoint", promoted.checkpoint());
        line.put("data", pending.path("data").asText());
        line.put("dataManifestDigest", manifestDigest(pending.path("data").asText()));
        line.set("candidate", promoted.metrics());
        line.put("promoted", true);
        line.put("version", promoted.version());
        line.put("reason", "recorded after a crash: the alias had been switched to this candidate");
        registry.record(line);
        registry.clearPending();
        return new Result(
                Outcome.PROMOTED,
                line.get("reason").asText(),
                promoted.run(),
                promoted.checkpoint(),
                promoted.version());
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
