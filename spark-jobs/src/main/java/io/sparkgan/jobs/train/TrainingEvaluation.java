package io.sparkgan.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.jobs.eval.MetricsChart;
import io.sparkgan.jobs.eval.SampleEvaluation;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.MetricsLog;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.model.Json;
import io.sparkgan.model.metrics.SampleMetrics;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.state.GanCheckpoint;
import io.sparkgan.model.training.CollapseGuard;
import java.io.IOException;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluation during training, on the driver: after a checkpoint, generate {@code evalSamples} samples on the
 * executors (the same noise every time, so checkpoints compare on equal terms), append the metrics and D's mean
 * loss since the last evaluation to {@code eval/metrics.jsonl}, redraw {@code eval/metrics.png}, mark the best
 * checkpoint by FID, and ask the {@link CollapseGuard} whether the run is collapsing. What to do about a collapse
 * ({@link TrainConfig#onCollapse}) is returned to the trainer, which owns the state.
 */
final class TrainingEvaluation {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingEvaluation.class);

    /** What the trainer should do after an evaluation. */
    enum Action {
        CONTINUE,
        ROLLBACK,
        STOP
    }

    private final SampleEvaluation evaluation;
    private final TrainConfig config;
    private final RunStorage storage;
    private final CheckpointStore<GanCheckpoint> checkpoints;
    private final MetricsLog log;
    private final CollapseGuard guard;
    private double bestFid = Double.POSITIVE_INFINITY;
    private int rollbacks;
    private double dLossSum;
    private int dLossRounds;
    private String lastCollapse;
    private long rollbackTarget = -1;

    /** Opens the log, dropping lines after {@code lastStep} (a resumed run redoes them) and replaying the rest. */
    TrainingEvaluation(
            SampleEvaluation evaluation,
            TrainConfig config,
            RunStorage storage,
            CheckpointStore<GanCheckpoint> checkpoints,
            long lastStep)
            throws IOException {
        this.evaluation = evaluation;
        this.config = config;
        this.storage = storage;
        this.checkpoints = checkpoints;
        this.log = new MetricsLog(storage, RunDirectory.EVAL_LOG);
        this.guard = new CollapseGuard(config.collapseThresholds());
        log.truncateAfter("step", lastStep);
        for (JsonNode line : log.entries()) {
            bestFid = Math.min(bestFid, line.path("fid").asDouble(Double.POSITIVE_INFINITY));
            guard.observe(observation(line));
            if ("rollback".equals(line.path("collapse").path("action").asText())) {
                rollbacks++;
                guard.restart();
            }
        }
    }

    /** D's mean loss of a round, for the D-loss rule of the guard. */
    void recordRound(double dLoss) {
        dLossSum += dLoss;
        dLossRounds++;
    }

    /** The checkpoint the last rollback returns to, as its log line names it. */
    long rollbackTarget() {
        return rollbackTarget;
    }

    /**
     * The rollback decided after the checkpoint at {@code step}, as its evaluation line records it, or null. A run
     * stopped between that decision and its next checkpoint resumes from it.
     */
    static JsonNode rollbackAt(RunStorage storage, long step) throws IOException {
        for (JsonNode line : MetricsLog.existing(storage, RunDirectory.EVAL_LOG).entries()) {
            JsonNode collapse = line.path("collapse");
            if (line.path("step").asLong() == step
                    && "rollback".equals(collapse.path("action").asText())) {
                return collapse;
            }
        }
        return null;
    }

    /** Why the run stopped for a collapse; null if it did not. */
    String lastCollapse() {
        return lastCollapse;
    }

    Action afterCheckpoint(Network sampler, long round, long step, double kimg, int workers) throws IOException {
        long start = System.nanoTime();
        LOG.info("evaluating step {} ({} samples)", step, config.evalSamples);
        SampleMetrics result = evaluation.ofGenerator(
                sampler,
                config.model,
                config.evalSamples,
                LatentNoise.derive(config.seed, TrainingMaster.EVAL_NOISE),
                workers);
        double seconds = (System.nanoTime() - start) / 1e9;
        boolean best = result.fid() < bestFid;
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("round", round);
        line.put("step", step);
        line.put("kimg", kimg);
        line.setAll(SampleEvaluation.toJson(result));
        line.put("dLoss", dLossRounds > 0 ? dLossSum / dLossRounds : Double.NaN);
        line.put("seconds", seconds);
        dLossSum = 0;
        dLossRounds = 0;
        CollapseGuard.Verdict verdict = guard.observe(observation(line));
        Action action = Action.CONTINUE;
        if (verdict.collapsed()) {
            action = switch (config.onCollapse) {
                case WARN -> Action.CONTINUE;
                case STOP -> Action.STOP;
                case ROLLBACK -> rollbacks < config.maxRollbacks ? Action.ROLLBACK : Action.STOP;
            };
            ObjectNode collapse = line.putObject("collapse");
            ArrayNode reasons = collapse.putArray("reasons");
            verdict.reasons().forEach(reasons::add);
            collapse.put(
                    "action", action == Action.CONTINUE ? "warn" : action.name().toLowerCase());
            String message = String.format(
                    "possible mode collapse at step %d (%.1f kimg): %s",
                    step, kimg, String.join("; ", verdict.reasons()));
            LOG.warn("{}; on-collapse {}: {}", message, config.onCollapse.name().toLowerCase(), describe(action));
            if (action == Action.ROLLBACK) {
                rollbacks++;
                guard.restart();
                rollbackTarget = checkpoints.best().orElse(step);
                collapse.put("rollbackTo", rollbackTarget);
                collapse.put("lrG", config.loweredLearningRates()[0]);
                collapse.put("lrD", config.loweredLearningRates()[1]);
            }
            if (action == Action.STOP) {
                lastCollapse = message;
            }
        }
        // a checkpoint judged collapsed is never the best, whatever its FID
        best &= !verdict.collapsed();
        line.put("best", best);
        // the rollback is durable from here: a resumed run replays it from this line (see rollbackAt)
        log.append(line);
        storage.writeAtomically(RunDirectory.EVAL_CHART, MetricsChart.png(log.entries()));
        if (best) {
            bestFid = result.fid();
            checkpoints.markBest(step);
        }
        LOG.info(
                "evaluation of step {} in {} s: FID {}{}",
                step,
                String.format("%.1f", seconds),
                String.format("%.3f", result.fid()),
                best ? " (best so far)" : "");
        return action;
    }

    private String describe(Action action) {
        return switch (action) {
            case CONTINUE -> "training goes on";
            case ROLLBACK -> "back to the best checkpoint with learning rates x" + config.rollbackLrFactor;
            case STOP ->
                rollbacks >= config.maxRollbacks && config.onCollapse == TrainConfig.OnCollapse.ROLLBACK
                        ? "no rollbacks left (" + config.maxRollbacks + "), stopping"
                        : "stopping";
        };
    }

    private static CollapseGuard.Observation observation(JsonNode line) {
        return new CollapseGuard.Observation(
                line.hasNonNull("modesCovered") ? line.get("modesCovered").asInt() : null,
                line.hasNonNull("classes") ? line.get("classes").asInt() : null,
                line.path("recall").asDouble(),
                line.path("dLoss").asDouble(Double.NaN));
    }

    /**
     * The evaluator named in the config (an error if it is missing), else the dataset's own if it has one, else
     * none: the run then trains without evaluation and says so.
     */
    static SampleEvaluation open(SparkSession spark, TrainConfig config, ModelTraining training) throws IOException {
        if (config.evaluateEvery == 0) {
            return null;
        }
        if (training.notEvaluatedWhileTraining() != null) {
            LOG.info(training.notEvaluatedWhileTraining());
            return null;
        }
        if (config.evaluator == null && SampleEvaluation.storedEvaluator(spark, config.data) == null) {
            LOG.warn(
                    "no evaluator stored with {}: training without evaluation, so no checkpoint is marked best; "
                            + "'sparkgan train-evaluator --data {} --test-data <test split>' makes one",
                    config.data,
                    config.data);
            return null;
        }
        return SampleEvaluation.open(spark, config.data, config.evaluator);
    }
}
