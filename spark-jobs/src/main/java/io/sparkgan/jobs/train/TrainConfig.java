package io.sparkgan.jobs.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.metrics.MetricSuite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Everything a training run is: one object with documented defaults, read from a small JSON or YAML file
 * ({@code --config}) and overridden by flags. The effective config is saved in the run directory's run.json.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public final class TrainConfig {

    private static final ObjectMapper YAML = new YAMLMapper();

    /** Dataset URI (a directory written by {@code sparkgan prep} or {@code generate}). Required. */
    public String data;

    /** Run directory URI: config, metrics, samples, checkpoints. Required. */
    public String runDir;

    /** Data-parallel workers = partitions of the dataset; 0 means the cluster's total task slots. */
    public int workers = 0;

    /** Minibatch size of each worker's GAN steps. */
    public int batchPerWorker = 64;

    /** Local GAN steps each worker runs between two parameter averagings (one round). */
    public int averagingEvery = 8;

    /** Training budget in thousands of real images shown to D, over all workers. */
    public double kimg = 60;

    /** Alternative budget in passes over the dataset; when > 0 it replaces kimg. */
    public double epochs = 0;

    /** Seed of everything random: weights, minibatch order, latent noise. Same seed + data + workers = same run. */
    public long seed = 42;

    /** Write a checkpoint (and a sample grid) every this many rounds, and at the end. */
    public int checkpointEvery = 20;

    /** Checkpoints kept besides those marked best. */
    public int keepCheckpoints = 3;

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

    /** ND4J threads per worker task; 0 = the executor's cores divided by its concurrent tasks. */
    public int threadsPerWorker = 0;

    /** The networks and optimizers. */
    public GanModelConfig model = new GanModelConfig();

    /**
     * Sets the fields that a JSON (.json) or YAML (anything else) config file names on {@code base}, leaving the
     * others as they are; returns base.
     */
    public static TrainConfig overlay(TrainConfig base, Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase();
        ObjectMapper mapper = name.endsWith(".json") ? Json.MAPPER : YAML;
        return mapper.readerForUpdating(base).readValue(Files.readAllBytes(file));
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

    /** Throws IllegalArgumentException naming the option at fault. */
    public void validate() {
        require(data != null && !data.isBlank(), "--data is required");
        require(runDir != null && !runDir.isBlank(), "--run-dir is required");
        require(workers >= 0, "--workers must be >= 0, got " + workers);
        require(batchPerWorker > 0, "--batch-per-worker must be > 0, got " + batchPerWorker);
        require(averagingEvery > 0, "--averaging-every must be > 0, got " + averagingEvery);
        require(kimg > 0 || epochs > 0, "--kimg or --epochs must be > 0");
        require(checkpointEvery > 0, "--checkpoint-every must be > 0, got " + checkpointEvery);
        require(keepCheckpoints > 0, "--keep-checkpoints must be > 0, got " + keepCheckpoints);
        require(sampleCount > 0, "--sample-count must be > 0");
        require(evaluateEvery >= 0, "--evaluate-every must be >= 0, got " + evaluateEvery);
        require(evalSamples > MetricSuite.K, "--eval-samples must be > " + MetricSuite.K + ", got " + evalSamples);
        model.validateHyperparameters();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
