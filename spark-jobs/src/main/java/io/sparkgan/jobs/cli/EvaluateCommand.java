package io.sparkgan.jobs.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.data.DatasetReader;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.data.SparkOptions;
import io.sparkgan.data.SparkSessions;
import io.sparkgan.data.progress.SparkJobProgress;
import io.sparkgan.jobs.eval.ClassificationAccuracyScore;
import io.sparkgan.jobs.eval.GeneratedImages;
import io.sparkgan.jobs.eval.SampleEvaluation;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.MetricsLog;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.train.GanCheckpoints;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.jobs.train.TrainingMaster;
import io.sparkgan.model.Json;
import io.sparkgan.model.metrics.MetricSuite;
import io.sparkgan.model.metrics.SampleMetrics;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.state.GanCheckpoint;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sparkgan evaluate}: the metrics of a checkpoint's samples, or of one dataset against another, on demand.
 * A checkpoint is evaluated against its run's training data with the same sample count and noise as during
 * training by default, so the figures match {@code eval/metrics.jsonl}; results are also appended to the run's
 * {@code eval/evaluate.jsonl}.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Evaluates a run's checkpoint, or compares a dataset (e.g. a synthetic one) with real data.",
            "",
            "The metrics are FID, KID, precision/recall, density/coverage and mode coverage.",
            "",
            "Exit codes: 0 done, 2 bad options or input."
        })
public final class EvaluateCommand implements Callable<Integer> {

    static final class Target {
        @Option(names = "--run-dir", required = true, paramLabel = "URI", description = "the run to evaluate")
        String runDir;

        @Option(
                names = "--compare",
                required = true,
                paramLabel = "URI",
                description = "a dataset to compare with --data instead (synthetic vs real, test vs train)")
        String compare;

        @Option(
                names = "--registry",
                required = true,
                paramLabel = "URI",
                description = "or: evaluate the model a registry promotes under --alias")
        String registry;
    }

    @Option(names = "--alias", paramLabel = "NAME", description = "with --registry: which alias (default champion)")
    String alias;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Mixin
    SparkOptions sparkOptions;

    @Option(
            names = "--checkpoint",
            paramLabel = "STEP|best|latest",
            description = "which checkpoint of --run-dir (default: best when one is marked, else latest)")
    String checkpoint;

    @Option(
            names = "--data",
            paramLabel = "URI",
            description = "the real dataset (default for --run-dir: the run's training data; required with --compare)")
    String data;

    @Option(
            names = "--samples",
            paramLabel = "N",
            description = "samples to generate (default: the run's evalSamples); with --compare, the subset of it"
                    + " for KID and the k-NN metrics (default 10000)")
    Integer samples;

    @Option(names = "--evaluator", paramLabel = "URI", description = "evaluator (default: <data>/_evaluator)")
    String evaluator;

    @Option(
            names = "--cas",
            paramLabel = "TEST_URI",
            description = "Classification Accuracy Score: train the evaluator's classifier on the --compare dataset"
                    + " (labelled), or on --samples samples of a conditional run's generator, and report its"
                    + " accuracy on this real test split")
    String casTestData;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the samples (default: the run's)")
    Long seed;

    @Override
    public Integer call() {
        try {
            if (samples != null && samples <= MetricSuite.K) {
                throw new IllegalArgumentException("--samples must be > " + MetricSuite.K + ", got " + samples);
            }
            if (target.compare != null && data == null) {
                throw new IllegalArgumentException("--compare needs --data, the real dataset to compare with");
            }
            if (target.compare != null && checkpoint != null) {
                throw new IllegalArgumentException("--checkpoint goes with --run-dir");
            }
            SparkSession spark = SparkSessions.getOrCreate("sparkgan evaluate", sparkOptions);
            if (target.registry != null) {
                RegistryOptions registryOptions = new RegistryOptions();
                registryOptions.registry = target.registry;
                registryOptions.alias = alias;
                RegistryOptions.Model model =
                        registryOptions.resolve(spark.sparkContext().hadoopConfiguration(), null, checkpoint);
                target.runDir = model.runDir();
                checkpoint = model.checkpoint();
            } else if (alias != null) {
                throw new IllegalArgumentException("--alias goes with --registry");
            }
            try (SparkJobProgress.Phase phase = SparkJobProgress.phase(spark, "evaluating")) {
                return target.runDir != null ? evaluateRun(spark) : compareDatasets(spark);
            }
        } catch (Exception e) {
            return CommandErrors.report(e, sparkOptions.verbose);
        }
    }

    private int evaluateRun(SparkSession spark) throws Exception {
        TrainConfig config = TrainConfig.storedGanIn(
                new RunDirectory(target.runDir, spark.sparkContext().hadoopConfiguration()), "sparkgan evaluate");
        if (casTestData != null && !config.model.conditional) {
            throw new IllegalArgumentException("--cas with --run-dir needs a conditional run (its samples carry"
                    + " the classes they were asked for); " + target.runDir + " is unconditional");
        }
        ImageDataset casTest = casTestData != null ? DatasetReader.read(spark, casTestData) : null;
        RunStorage storage = new RunStorage(target.runDir, spark.sparkContext().hadoopConfiguration());
        CheckpointStore<GanCheckpoint> checkpoints = GanCheckpoints.store(storage, config.keepCheckpoints);
        long step = checkpoints.resolve(checkpoint, target.runDir);
        String realData = data != null ? data : config.data;
        SampleEvaluation evaluation = SampleEvaluation.open(
                spark, realData, evaluator != null ? evaluator : data == null ? config.evaluator : null);
        GanCheckpoint loaded = checkpoints.load(step);
        int count = samples != null ? samples : config.evalSamples;
        long noiseSeed = LatentNoise.derive(seed != null ? seed : config.seed, TrainingMaster.EVAL_NOISE);
        long start = System.nanoTime();
        SampleMetrics metrics = evaluation.ofGenerator(
                loaded.samplingGenerator(),
                loaded.config(),
                count,
                noiseSeed,
                spark.sparkContext().defaultParallelism());
        double seconds = (System.nanoTime() - start) / 1e9;
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("step", step);
        line.put("kimg", loaded.trainingState().path("kimg").asDouble());
        line.put("data", realData);
        line.put("evaluator", evaluation.evaluatorLocation());
        line.setAll(SampleEvaluation.toJson(metrics));
        line.put("seconds", seconds);
        line.put("evaluatedAt", Instant.now().toString());
        MetricsLog.existing(storage, "eval/evaluate.jsonl").append(line);
        System.out.printf(
                "checkpoint %d of %s against %s (%.1f s)%n%s",
                step, target.runDir, realData, seconds, SampleEvaluation.describe(metrics));
        if (casTest != null) {
            ImageDataset generated = GeneratedImages.of(
                    spark,
                    loaded.samplingGenerator(),
                    loaded.config(),
                    evaluation.real().manifest().labelNames(),
                    evaluation.realClassFrequencies(),
                    count,
                    noiseSeed,
                    spark.sparkContext().defaultParallelism());
            classificationAccuracyScore(spark, generated, count + " generated samples", casTest, evaluation);
        }
        return 0;
    }

    private int compareDatasets(SparkSession spark) throws Exception {
        SampleEvaluation evaluation = SampleEvaluation.open(spark, data, evaluator);
        ImageDataset other = DatasetReader.read(spark, target.compare);
        if (casTestData != null && !other.manifest().labelled()) {
            throw new IllegalArgumentException(
                    "--cas: " + target.compare + " has no labels to train a " + "classifier on");
        }
        ImageDataset casTest = casTestData != null ? DatasetReader.read(spark, casTestData) : null;
        long start = System.nanoTime();
        SampleMetrics metrics =
                evaluation.ofDataset(other, samples != null ? samples : 10_000, seed != null ? seed : 42);
        System.out.printf(
                "%s against %s (%.1f s)%n%s",
                target.compare, data, (System.nanoTime() - start) / 1e9, SampleEvaluation.describe(metrics));
        if (casTest != null) {
            classificationAccuracyScore(spark, other, target.compare, casTest, evaluation);
        }
        return 0;
    }

    /** Prints the classification accuracy score of {@code training} next to the real data's. */
    private void classificationAccuracyScore(
            SparkSession spark, ImageDataset training, String what, ImageDataset casTest, SampleEvaluation evaluation)
            throws Exception {
        double accuracy = ClassificationAccuracyScore.of(spark, training, casTest, seed != null ? seed : 42);
        System.out.printf(
                "CAS        %.4f  (classifier trained on %s, tested on %s; trained on real data: %s)%n",
                accuracy, what, casTestData, evaluation.realTestAccuracy());
    }
}
