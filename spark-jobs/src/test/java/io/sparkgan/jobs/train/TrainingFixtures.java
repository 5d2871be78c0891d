package io.sparkgan.jobs.train;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.state.GanCheckpoint;
import io.sparkgan.model.state.GanState;
import io.sparkgan.model.training.GeneratorAverage;
import java.io.IOException;
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
    static double kimgFor(TrainConfig config, int rounds, int activeWorkers) {
        return rounds * (double) config.averagingEvery * config.batchPerWorker * activeWorkers / 1000.0;
    }

    static TrainingMaster.Summary train(SparkSession spark, TrainConfig config, TrainingMaster.Start start)
            throws IOException {
        return new TrainingMaster(spark, TrainConfig.fromJson(config.toJson()), start).train();
    }

    /** The GAN state in a run's latest checkpoint, with G's moving average when the run keeps one. */
    static GanState latestState(SparkSession spark, String runDir) throws IOException {
        GanCheckpoint checkpoint = latestCheckpoint(spark, runDir);
        return GanState.capture(
                checkpoint.generator(),
                checkpoint.discriminator(),
                checkpoint.averagedGenerator() != null ? new GeneratorAverage(checkpoint.averagedGenerator()) : null);
    }

    static GanCheckpoint latestCheckpoint(SparkSession spark, String runDir) throws IOException {
        CheckpointStore store =
                new CheckpointStore(new RunStorage(runDir, spark.sparkContext().hadoopConfiguration()), 100);
        return store.load(store.latest().orElseThrow());
    }
}
