package io.sparkgan.jobs.cli;

import io.sparkgan.data.DatasetReader;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.data.SparkOptions;
import io.sparkgan.data.SparkSessions;
import io.sparkgan.jobs.eval.EvaluatorStore;
import io.sparkgan.jobs.eval.EvaluatorTrainer;
import io.sparkgan.model.metrics.EvaluatorNetwork;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sparkgan train-evaluator}: trains the classifier whose features and predictions the evaluation metrics
 * use, on Spark with DL4J's parameter averaging, and stores it with the dataset.
 */
@Command(
        name = "train-evaluator",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Trains the evaluator whose features the metrics compare and stores it next to the dataset.",
            "",
            "The evaluator is a CNN classifier for a labelled dataset, a CNN autoencoder for an unlabelled" + " one.",
            "",
            "Exit codes: 0 done, 2 bad options or input."
        })
public final class EvaluatorCommand implements Callable<Integer> {

    @Mixin
    SparkOptions sparkOptions;

    @Option(names = "--data", required = true, paramLabel = "URI", description = "real training dataset")
    String data;

    @Option(
            names = "--test-data",
            required = true,
            paramLabel = "URI",
            description = "test dataset (same shape and labels) for the reported accuracy or reconstruction error")
    String testData;

    @Option(names = "--output", paramLabel = "URI", description = "where to store it (default: <data>/_evaluator)")
    String output;

    @Option(names = "--epochs", paramLabel = "E", description = "passes over the training data (default 3)")
    int epochs = 3;

    @Option(names = "--batch-per-worker", paramLabel = "B", description = "minibatch per worker (default 64)")
    int batch = 64;

    /** The option's spelling before it was named as train's. */
    @Option(names = "--batch", hidden = true)
    void batchAlias(int value) {
        batch = value;
    }

    @Option(
            names = "--workers",
            paramLabel = "N",
            description = "data-parallel workers, as train's (default: the cluster's task slots)")
    Integer workers;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the initialisation (default 42)")
    long seed = 42;

    @Option(names = "--overwrite", description = "replace an evaluator already stored there")
    boolean overwrite;

    @Override
    public Integer call() {
        try {
            if (epochs < 1 || batch < 1 || (workers != null && workers < 1)) {
                throw new IllegalArgumentException("--epochs, --batch-per-worker and --workers must be >= 1");
            }
            SparkSession spark = SparkSessions.getOrCreate("sparkgan train-evaluator", sparkOptions);
            String location = output != null ? output : EvaluatorStore.defaultLocation(data);
            EvaluatorStore store =
                    new EvaluatorStore(location, spark.sparkContext().hadoopConfiguration());
            if (store.exists() && !overwrite) {
                throw new IllegalArgumentException(
                        "an evaluator is already stored in " + location + "; pass --overwrite to replace it");
            }
            ImageDataset train = DatasetReader.read(spark, data);
            ImageDataset test = DatasetReader.read(spark, testData);
            int partitions = workers != null ? workers : spark.sparkContext().defaultParallelism();
            long start = System.nanoTime();
            EvaluatorTrainer.Result result =
                    EvaluatorTrainer.train(spark, train, test, epochs, batch, partitions, seed);
            store.save(result, train, test);
            String figure = result.kind() == EvaluatorNetwork.Kind.CLASSIFIER
                    ? String.format("test accuracy %.4f", result.testAccuracy())
                    : String.format("test reconstruction error (MSE) %.4f", result.testReconstructionError());
            System.out.printf(
                    "%s evaluator trained in %.0f s (%d epochs): %s on %s%nstored in %s%n",
                    result.kind().name().toLowerCase(),
                    (System.nanoTime() - start) / 1e9,
                    epochs,
                    figure,
                    testData,
                    location);
            return 0;
        } catch (Exception e) {
            return CommandErrors.report(e, sparkOptions.verbose);
        }
    }
}
