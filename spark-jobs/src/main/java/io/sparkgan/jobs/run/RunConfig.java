package io.sparkgan.jobs.run;

/**
 * What every training run has, whatever its model: its data, its directory, its seed, its parallelism, its budget
 * and how it checkpoints. A model's config extends this and adds its networks; run.json stores the whole of it under
 * {@code config}. The fields' defaults are the documented defaults of {@code sparkgan train}.
 */
public abstract class RunConfig {

    /** Dataset URI (a directory written by {@code sparkgan prep} or {@code generate}). Required. */
    public String data;

    /** Run directory URI: config, metrics, samples, checkpoints. Required. */
    public String runDir;

    /** Data-parallel workers = partitions of the dataset; 0 means the cluster's total task slots. */
    public int workers = 0;

    /** Minibatch size of each worker's steps. */
    public int batchPerWorker = 64;

    /** Local steps each worker runs between two averagings (one round); 0 = automatic, as the model decides. */
    public int averagingEvery = 0;

    /** Training budget in thousands of real images shown, over all workers. */
    public double kimg = 60;

    /** Alternative budget in passes over the dataset; when > 0 it replaces kimg. */
    public double epochs = 0;

    /** Seed of everything random: weights, minibatch order, noise. Same seed + data + workers = same run. */
    public long seed = 42;

    /** Write a checkpoint (and a sample grid) every this many rounds, and at the end. */
    public int checkpointEvery = 20;

    /** Checkpoints kept besides those marked best. */
    public int keepCheckpoints = 3;

    /** ND4J threads per worker task; 0 = the executor's cores divided by its concurrent tasks. */
    public int threadsPerWorker = 0;

    /**
     * Whether this config, given to resume a run, describes the run stored as {@code stored}: everything the same
     * but the budget ({@link #kimg}, {@link #epochs}) and the number of workers, which the caller checks. Takes over
     * from {@code stored} what the run fixed when it started (a model's weight seed, a shape left to the data).
     */
    public abstract boolean continuesRun(RunConfig stored);

    /** Throws IllegalArgumentException naming the option at fault. */
    public void validate() {
        require(data != null && !data.isBlank(), "--data is required");
        require(runDir != null && !runDir.isBlank(), "--run-dir is required");
        require(workers >= 0, "--workers must be >= 0, got " + workers);
        require(batchPerWorker > 0, "--batch-per-worker must be > 0, got " + batchPerWorker);
        require(averagingEvery >= 0, "--averaging-every must be >= 0 (0 = automatic), got " + averagingEvery);
        require(kimg > 0 || epochs > 0, "--kimg or --epochs must be > 0");
        require(checkpointEvery > 0, "--checkpoint-every must be > 0, got " + checkpointEvery);
        require(keepCheckpoints > 0, "--keep-checkpoints must be > 0, got " + keepCheckpoints);
    }

    protected static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
