package io.sparkgan.jobs.cli;

import io.sparkgan.jobs.train.TrainConfig;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of train (and retrain) that set where it reads and writes, its workers, budget, seed and checkpoints.
 * Each applies what was given, and only that, in {@link #applyTo}.
 */
final class RunOptions {

    @Option(names = "--data", paramLabel = "URI", description = "dataset directory (from 'sparkgan prep')")
    String data;

    @Option(
            names = "--run-dir",
            paramLabel = "URI",
            description = "where the run writes config, metrics, samples, checkpoints")
    String runDir;

    @Option(
            names = "--normal-classes",
            split = ",",
            paramLabel = "C,...",
            description = "train on these classes (indexes) of a labelled dataset only: the normal data of anomaly"
                    + " detection (sparkgan train-encoder, score); default every row")
    List<Integer> normalClasses;

    @Option(
            names = "--workers",
            paramLabel = "N",
            description = "data-parallel workers (default: the cluster's task slots)")
    Integer workers;

    @Option(names = "--batch-per-worker", paramLabel = "B", description = "minibatch per worker (default 64)")
    Integer batchPerWorker;

    @Option(
            names = "--averaging-every",
            paramLabel = "K",
            description = "local steps between averagings (default 0 ="
                    + " automatic: 1.6e-3 / the larger learning rate, 8 at the default 2e-4)")
    Integer averagingEvery;

    @Option(names = "--kimg", paramLabel = "K", description = "budget in thousands of real images (default 60)")
    Double kimg;

    @Option(names = "--epochs", paramLabel = "E", description = "budget in passes over the dataset (replaces --kimg)")
    Double epochs;

    @Option(
            names = "--lr-scaling",
            paramLabel = "linear|sqrt|none",
            description = "each worker trains at both rates times the number of workers (linear), its square root"
                    + " (sqrt, Adam only) or as given (none); N workers then need fewer steps each to a given FID"
                    + " (default linear)")
    String lrScaling;

    @Option(names = "--seed", paramLabel = "S", description = "seed of everything random (default 42)")
    Long seed;

    @Option(names = "--checkpoint-every", paramLabel = "R", description = "rounds between checkpoints (default 20)")
    Integer checkpointEvery;

    @Option(
            names = "--keep-checkpoints",
            paramLabel = "K",
            description = "checkpoints kept besides the best (default 3)")
    Integer keepCheckpoints;

    /** Sets the given options on {@code config}. */
    void applyTo(TrainConfig config) {
        if (data != null) config.data = data;
        if (runDir != null) config.runDir = runDir;
        if (normalClasses != null) config.normalClasses = normalClasses;
        if (workers != null) config.workers = workers;
        if (batchPerWorker != null) config.batchPerWorker = batchPerWorker;
        if (averagingEvery != null) config.averagingEvery = averagingEvery;
        if (kimg != null) config.kimg = kimg;
        if (epochs != null) config.epochs = epochs;
        if (lrScaling != null)
            config.lrScaling = OptionValues.choice(TrainConfig.LrScaling.class, "--lr-scaling", lrScaling);
        if (seed != null) config.seed = seed;
        if (checkpointEvery != null) config.checkpointEvery = checkpointEvery;
        if (keepCheckpoints != null) config.keepCheckpoints = keepCheckpoints;
    }
}
