package io.sparkgan.jobs.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetReader;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.jobs.run.RunConfig;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.metrics.MetricSuite;
import io.sparkgan.model.training.CollapseGuard;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Everything a training run is: one object with documented defaults, read from a small JSON or YAML file
 * ({@code --config}) and overridden by flags. The effective config is saved in the run directory's run.json.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public final class TrainConfig extends RunConfig {

    private static final ObjectMapper YAML = new YAMLMapper();

    /**
     * Train on these classes of a labelled dataset only, the normal data of anomaly detection ({@code sparkgan
     * score}); null: every row. Evaluations during training still compare with the whole dataset.
     */
    public List<Integer> normalClasses;

    /**
     * The automatic averaging period ({@link #averagingEvery} 0, the default) is {@code LOCAL_DRIFT} / the larger
     * learning rate, rounded, at least 1: 8 for the DCGAN recipe's 2e-4. How far, in learning rate times local steps, the workers may train apart between two averagings when the
     * period is automatic. Between averagings each worker's G and D adapt to each other on its own data; their
     * average is a network none of them trained, and the further they drift the worse it is (the drift of local SGD
     * grows with rate x steps). Measured (docs/TRAINING.md): at 2e-4 and 8 steps two workers match one worker per
     * step on MNIST; at 2e-3 and 8 steps the 8-Gaussian ring loses its modes with 4 workers, at 2e-3 and 1 step it
     * keeps all of them.
     */
    public static final double LOCAL_DRIFT = 8 * 2e-4;

    /** Images in each sample grid (from a fixed noise vector, the same for the whole run). */
    public int sampleCount = 64;

    /**
     * Evaluate the generator every this many checkpoints (and at the end) and mark the best checkpoint by FID;
     * 0 = never. Needs an evaluator: {@link #evaluator}, or one stored with the dataset.
     */
    public int evaluateEvery = 1;

    /** Where the evaluator is ({@code sparkgan train-evaluator --output}); null = the dataset's {@code _evaluator/}. */
    public String evaluator;

    /** Samples generated for each evaluation (FID and KID depend on the count: compare runs at equal counts). */
    public int evalSamples = 5000;

    /** What a suspected collapse ({@link CollapseGuard}) does: warn (log and record it), rollback, or stop. */
    public enum OnCollapse {
        WARN,
        ROLLBACK,
        STOP
    }

    /** On a suspected collapse: warn (default), rollback to the best checkpoint with lower rates, or stop. */
    public OnCollapse onCollapse = OnCollapse.WARN;

    /** Collapse when modes covered / classes falls below this after having reached it. */
    public double collapseMinModeShare = CollapseGuard.Thresholds.DEFAULTS.minModeShare();

    /** Collapse when recall falls below this after having reached it. */
    public double collapseMinRecall = CollapseGuard.Thresholds.DEFAULTS.minRecall();

    /** Collapse when D's mean loss stays below this ... */
    public double collapseDLoss = CollapseGuard.Thresholds.DEFAULTS.dLossFloor();

    /** ... for this many evaluations in a row. */
    public int collapsePatience = CollapseGuard.Thresholds.DEFAULTS.patience();

    /**
     * Rounds whose losses or averaged state are not finite (NaN, infinity) are rejected: the round is redone from
     * the state before it with both learning rates x {@code rollbackLrFactor}. After this many rejections in a run,
     * training stops (exit code 4).
     */
    public int maxRejectedRounds = 3;

    /** A rollback multiplies both learning rates by this. */
    public double rollbackLrFactor = 0.5;

    /** Rollbacks allowed in a run; a collapse after the last one stops it. */
    public int maxRollbacks = 2;

    /** How the learning rates follow the number of workers. */
    public enum LrScaling {
        NONE,
        SQRT,
        LINEAR
    }

    /**
     * What each worker's learning rates are multiplied by on N (non-empty) workers; the rates in the config and in
     * checkpoints stay the unscaled ones, and the automatic averaging period follows the unscaled rates.
     *
     * <ul>
     *   <li>LINEAR (default): N. With SGD this is the linear scaling rule (Goyal et al.): N workers averaging every
     *       step equal one machine on the N-times batch at N times the rate. With Adam, each worker's step is
     *       normalised by its own batch's noisy gradient moments, so the mean of N workers' steps moves about
     *       1/sqrt(N) as far as Adam on the combined batch where the gradient is mostly noise; x N makes that up
     *       and adds the sqrt(N) a larger batch affords. Measured on MNIST (docs/TRAINING.md, "More workers,
     *       fewer steps"): 4 workers reach one worker's FID at 120 kimg in 2.7x fewer steps each and at 240 kimg
     *       in 3.1-3.75x fewer, against 1.2x unscaled.
     *   <li>SQRT: sqrt(N), Adam only (averaging Adam steps then moves about as far as Adam on the combined batch).
     *       On MNIST, 4 workers at 768 steps each were where one worker is after about 1100.
     *   <li>NONE: the rates as given (the scheme before 2026-12-07).
     * </ul>
     */
    public LrScaling lrScaling = LrScaling.LINEAR;

    /** What the learning rates are multiplied by on {@code workers} workers. */
    public double learningRateScale(int workers) {
        return switch (lrScaling) {
            case NONE -> 1;
            case SQRT -> model.optimizer == GanModelConfig.OptimizerKind.ADAM ? Math.sqrt(workers) : 1;
            case LINEAR -> workers;
        };
    }

    /** The networks and optimizers. */
    public GanModelConfig model = new GanModelConfig();

    /**
     * Sets the fields that a JSON (.json) or YAML (anything else) config file names on {@code base}, leaving the
     * others as they are; returns base.
     */
    public static TrainConfig overlay(TrainConfig base, String uri, Configuration hadoop) throws IOException {
        Path file = new Path(uri);
        ObjectMapper mapper = file.getName().toLowerCase().endsWith(".json") ? Json.MAPPER : YAML;
        // a URI on any Hadoop file system: in cluster deploy mode the driver does not run where the command was typed
        try (InputStream in = file.getFileSystem(hadoop).open(file)) {
            return mapper.readerForUpdating(base).readValue(in.readAllBytes());
        }
    }

    /** The config a GAN or super-resolution run stored in its run.json, brought up to date. */
    public static TrainConfig storedIn(RunDirectory run) throws IOException {
        return run.storedConfig(TrainConfig.class, TrainConfig::upgradeStored);
    }

    /**
     * The stored config of a GAN run, for the commands that sample G from noise ({@code what} names the command);
     * an error for a super-resolution run.
     */
    public static TrainConfig storedGanIn(RunDirectory run, String what) throws IOException {
        TrainConfig config = storedIn(run);
        if (!config.model.architecture.generative()) {
            throw new IllegalArgumentException(what + ": " + run.storage().root() + " is a super-resolution run"
                    + " (--model srgan), whose G upscales images: use sparkgan upscale");
        }
        return config;
    }

    private static JsonNode upgradeStored(JsonNode config) {
        GanModelConfig.upgradeStored(config.path("model"));
        return config;
    }

    /** Adopts the stored weight seed: the weights' seed is the run's (or, in runs from before that rule, the one they stored). */
    @Override
    public boolean continuesRun(RunConfig storedRun) {
        TrainConfig stored = (TrainConfig) storedRun;
        model.seed = stored.model.seed;
        TrainConfig mine = fromJson(toJson());
        mine.kimg = stored.kimg;
        mine.epochs = stored.epochs;
        mine.workers = stored.workers;
        mine.model = stored.model.copy();
        return mine.toJson().equals(stored.toJson()) && sameModel(model, stored.model);
    }

    private static boolean sameModel(GanModelConfig given, GanModelConfig stored) {
        GanModelConfig mine = given.copy();
        // what was left to the dataset (all of the shape, or a super-resolution model's channels) is the stored one
        if (mine.height == 0 && mine.width == 0) {
            mine.height = stored.height;
            mine.width = stored.width;
        }
        if (mine.channels == 0) {
            mine.channels = stored.channels;
        }
        return Json.MAPPER.valueToTree(mine).equals(Json.MAPPER.valueToTree(stored));
    }

    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TrainConfig fromJson(String json) {
        try {
            return Json.MAPPER.readValue(json, TrainConfig.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a training config: " + e.getMessage(), e);
        }
    }

    /** Sets what is automatic to its value for this config (the averaging period); returns this. */
    public TrainConfig resolveAutomatic() {
        if (averagingEvery == 0) {
            averagingEvery = (int) Math.max(1, Math.round(LOCAL_DRIFT / Math.max(model.lrG, model.lrD)));
        }
        return this;
    }

    /**
     * Fits the model to the dataset it trains on: the image shape (checked against one set by hand), the classes
     * of a conditional model, and for an MLP the rows' values as one vector. Errors name the dataset.
     */
    public void fitModelTo(DatasetManifest manifest) {
        if (model.conditional) {
            if (!manifest.labelled()) {
                throw new IllegalArgumentException("--conditional: dataset " + data + " has no labels");
            }
            model.classes = manifest.numClasses();
        }
        if (!model.architecture.generative()) {
            fitSuperResolutionTo(manifest);
            return;
        }
        if (!model.architecture.convolutional()) {
            // an MLP takes each row's h*w*c values as one vector (low-dimensional toy data stored as tiny images)
            long values = (long) manifest.height() * manifest.width() * manifest.channels();
            if (values != model.dataDim) {
                throw new IllegalArgumentException("the MLP is configured for " + model.dataDim + " values per sample"
                        + " but dataset " + data + " holds " + manifest.shape() + " images (" + values + ")");
            }
        } else if (!(model.height == 0 && model.width == 0 && model.channels == 0)
                && (model.height != manifest.height()
                        || model.width != manifest.width()
                        || model.channels != manifest.channels())) {
            throw new IllegalArgumentException("the model is configured for " + model.height + "x" + model.width + "x"
                    + model.channels + " images but dataset " + data + " holds " + manifest.shape() + " images");
        }
        model.height = manifest.height();
        model.width = manifest.width();
        model.channels = manifest.channels();
        model.validate();
    }

    /**
     * A super-resolution model trains on patches: the whole images when no patch size is set, else random crops of
     * that size, which the images must hold; its channels are the dataset's.
     */
    private void fitSuperResolutionTo(DatasetManifest manifest) {
        if (model.height == 0 && model.width == 0) {
            model.height = manifest.height();
            model.width = manifest.width();
        } else if (model.height > manifest.height() || model.width > manifest.width()) {
            throw new IllegalArgumentException("--patch " + model.height + "x" + model.width + " is larger than the "
                    + manifest.shape() + " images of dataset " + data);
        }
        if (model.channels != 0 && model.channels != manifest.channels()) {
            throw new IllegalArgumentException("the model is configured for " + model.channels + "-channel images but"
                    + " dataset " + data + " holds " + manifest.shape() + " images");
        }
        model.channels = manifest.channels();
        try {
            model.validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("dataset " + data + " (" + manifest.shape() + "): " + e.getMessage(), e);
        }
    }

    /** The rows to train on: the dataset, only its {@link #normalClasses} when they are set. */
    public ImageDataset normalData(SparkSession spark) {
        ImageDataset dataset = DatasetReader.read(spark, data);
        if (normalClasses == null) {
            return dataset;
        }
        DatasetManifest manifest = dataset.manifest();
        if (!manifest.labelled()) {
            throw new IllegalArgumentException("--normal-classes: dataset " + data + " has no labels");
        }
        for (int c : normalClasses) {
            if (c < 0 || c >= manifest.numClasses()) {
                throw new IllegalArgumentException("--normal-classes: class " + c + " is not one of the "
                        + manifest.numClasses() + " classes of dataset " + data);
            }
        }
        return new ImageDataset(
                dataset.uri(),
                manifest,
                dataset.rows().filter(functions.col(DatasetSchema.LABEL).isin(normalClasses.toArray())));
    }

    /** How many rows {@link #normalData} holds, by the manifest. */
    public long normalCount(DatasetManifest manifest) {
        return normalClasses == null
                ? manifest.count()
                : normalClasses.stream()
                        .distinct()
                        .mapToLong(c -> manifest.classCounts().get(c))
                        .sum();
    }

    /** G's and D's learning rates after a rollback or a rejected round: both x {@code rollbackLrFactor}. */
    public double[] loweredLearningRates() {
        return new double[] {model.lrG * rollbackLrFactor, model.lrD * rollbackLrFactor};
    }

    /** Throws IllegalArgumentException naming the option at fault. */
    @Override
    public void validate() {
        super.validate();
        require(
                batchPerWorker % model.pack == 0,
                "--batch-per-worker (" + batchPerWorker + ") must be a multiple of --pack (" + model.pack + ")");
        require(normalClasses == null || !normalClasses.isEmpty(), "--normal-classes needs at least one class");
        require(sampleCount > 0, "--sample-count must be > 0");
        require(evaluateEvery >= 0, "--evaluate-every must be >= 0, got " + evaluateEvery);
        require(evalSamples > MetricSuite.K, "--eval-samples must be > " + MetricSuite.K + ", got " + evalSamples);
        require(
                rollbackLrFactor > 0 && rollbackLrFactor <= 1,
                "--rollback-lr-factor must be in (0, 1], got " + rollbackLrFactor);
        require(maxRollbacks >= 0, "--max-rollbacks must be >= 0, got " + maxRollbacks);
        require(maxRejectedRounds >= 0, "--max-rejected-rounds must be >= 0, got " + maxRejectedRounds);
        collapseThresholds();
        model.validateHyperparameters();
    }

    /** The guard's thresholds (IllegalArgumentException naming them when out of range). */
    public CollapseGuard.Thresholds collapseThresholds() {
        return new CollapseGuard.Thresholds(collapseMinModeShare, collapseMinRecall, collapseDLoss, collapsePatience);
    }
}
