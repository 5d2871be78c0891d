package io.sparkgan.jobs.train;

import io.sparkgan.data.ImageDataset;
import io.sparkgan.jobs.engine.TrainerSpec;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.nets.Network;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * What the {@link TrainingMaster} asks of the model it trains, on the driver: the seam between the one training loop
 * of a G and D pair and each model built on it ({@code jobs.gan}'s GAN, {@code jobs.superres}'s SRGAN). The master
 * owns rounds, checkpoints, recovery and evaluation; the model says which trainer the workers run, what it reads
 * from the data first, and how its sample grids look.
 */
public interface ModelTraining {

    /** What the progress line calls the run ("training"). */
    String activity();

    /** The options that make this model smaller, named in memory refusals. */
    String smallerModelOptions();

    /**
     * Why this model is not evaluated while it trains, logged once; null when it is (the GAN: FID and the rest of
     * the evaluator's metrics at checkpoints).
     */
    String notEvaluatedWhileTraining();

    /**
     * Before the run directory is claimed: reads from the data what the run needs and checks it (an error names
     * the dataset or option); {@code resumed}: the run continues and already wrote its first files.
     */
    void prepare(SparkSession spark, TrainConfig config, ImageDataset dataset, RunStorage storage, boolean resumed)
            throws IOException;

    /**
     * Once the run is claimed, before its first round: writes what goes beside the sample grids (real images) and
     * sends what every round's workers share (a feature network).
     */
    void open(JavaSparkContext jsc, RunStorage storage) throws IOException;

    /** The key executors build and pool this model's networks by: {@code architecture} as JSON, and what it shares. */
    String architectureKey(GanModelConfig architecture) throws IOException;

    /** The trainer of a round at these rates; {@code imagesPerStep} counts all workers' real images of a step. */
    TrainerSpec trainer(String architectureKey, double lrG, double lrD, long seed, long imagesPerStep);

    /**
     * Writes the sample grid of {@code step} from {@code sampler} (step 0: before training); nothing for a model
     * without images (an MLP).
     */
    void writeSamples(RunStorage storage, long step, Network sampler) throws IOException;

    /** Releases what {@link #open} sent. */
    void close();

    /** The model config in an architecture key, as an executor reads it. */
    static GanModelConfig architecture(String key) {
        try {
            return Json.MAPPER.readValue(key.substring(key.indexOf('{')), GanModelConfig.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
