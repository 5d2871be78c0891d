package io.sparkgan.jobs.cli;

import io.sparkgan.data.SparkOptions;
import io.sparkgan.data.SparkSessions;
import io.sparkgan.data.progress.SparkJobProgress;
import io.sparkgan.jobs.anomaly.AnomalyScoring;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkgan score}: anomaly scores of a dataset's images against a GAN trained on normal data. */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Scores every image of a dataset against a GAN run trained on normal data only.",
            "",
            "Higher scores are more anomalous. The scores are f-AnoGAN's encoder score or AnoGAN's latent"
                    + " search, computed on the executors. Writes Parquet rows (id, label, score, imageResidual,"
                    + " featureResidual) and scores.json; with --anomalous-classes or --normal-classes also ROC"
                    + " (roc.json, roc.png), AUROC, average precision and a threshold; and extremes.png (highest and"
                    + " lowest scores over their reconstructions).",
            "",
            "Exit codes: 0 done, 2 bad options or input."
        })
public final class ScoreCommand implements Callable<Integer> {

    @Mixin
    SparkOptions sparkOptions;

    @Option(names = "--run-dir", paramLabel = "URI", description = "the GAN run (or --registry)")
    String runDir;

    @Mixin
    RegistryOptions registryOptions;

    @Option(names = "--data", required = true, paramLabel = "URI", description = "the dataset to score")
    String data;

    @Option(names = "--output", required = true, paramLabel = "URI", description = "directory to write")
    String output;

    @Option(
            names = "--method",
            paramLabel = "encoder|latent",
            description = "encoder (f-AnoGAN, one pass; needs train-encoder first) or latent (AnoGAN: z searched per"
                    + " image, from the encoder's estimate when the run has one, else from noise) (default encoder)")
    String method = "encoder";

    @Option(
            names = "--checkpoint",
            paramLabel = "STEP|best|latest",
            description = "the GAN checkpoint (default: the encoder's, else best when one is marked, else latest)")
    String checkpoint;

    @Option(
            names = "--anomalous-classes",
            split = ",",
            paramLabel = "C,...",
            description = "classes (indexes) whose images are anomalous, for ROC; the others are normal")
    List<Integer> anomalousClasses;

    @Option(
            names = "--normal-classes",
            split = ",",
            paramLabel = "C,...",
            description = "or: classes whose images are normal, for ROC; the others are anomalous")
    List<Integer> normalClasses;

    @Option(
            names = "--false-positive-rate",
            paramLabel = "R",
            description = "the rate of normal images flagged at the reported threshold (default 0.05)")
    double falsePositiveRate = 0.05;

    @Option(names = "--iterations", paramLabel = "N", description = "latent search steps (default 100)")
    int iterations = 100;

    @Option(names = "--lambda", paramLabel = "L", description = "latent score's D-feature weight (default 0.1)")
    double lambda = 0.1;

    @Option(names = "--latent-lr", paramLabel = "LR", description = "latent search's Adam rate (default 0.01)")
    double latentLr = 0.01;

    @Option(names = "--partitions", paramLabel = "P", description = "scoring tasks (default: the dataset's)")
    Integer partitions;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "score only the first N images by id (a subset for the slow latent search)")
    Integer limit;

    @Option(names = "--overwrite", description = "replace an existing output of the same kind")
    boolean overwrite;

    @Override
    public Integer call() {
        try {
            if (anomalousClasses != null && normalClasses != null) {
                throw new IllegalArgumentException("give --anomalous-classes or --normal-classes, not both");
            }
            if (!(falsePositiveRate >= 0 && falsePositiveRate <= 1)) {
                throw new IllegalArgumentException("--false-positive-rate must be in [0, 1], got " + falsePositiveRate);
            }
            if (limit != null && limit < 1) {
                throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
            }
            if (partitions != null && partitions < 1) {
                throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
            }
            SparkSession spark = SparkSessions.getOrCreate("sparkgan score", sparkOptions);
            RegistryOptions.Model model =
                    registryOptions.resolve(spark.sparkContext().hadoopConfiguration(), runDir, checkpoint);
            runDir = model.runDir();
            checkpoint = model.checkpoint();
            AnomalyScoring.Summary summary;
            try (SparkJobProgress.Phase phase =
                    SparkJobProgress.phase(spark, "scoring " + data + " (" + method + ")")) {
                summary = new AnomalyScoring(spark, runDir)
                        .score(
                                data,
                                output,
                                overwrite,
                                method,
                                checkpoint,
                                iterations,
                                lambda,
                                latentLr,
                                anomalous(spark),
                                falsePositiveRate,
                                partitions,
                                limit);
            }
            System.out.printf(
                    "scored %d images of %s with %s to %s%n", summary.images(), data, method, summary.output());
            if (summary.roc() != null) {
                System.out.printf(
                        "AUROC %.4f, average precision %.4f; threshold %.6g flags %.1f%% of anomalies at %.1f%% of"
                                + " normal images%n",
                        summary.roc().auroc(),
                        summary.roc().averagePrecision(),
                        summary.threshold().threshold(),
                        100 * summary.threshold().truePositiveRate(),
                        100 * summary.threshold().falsePositiveRate());
            }
            return 0;
        } catch (Exception e) {
            return CommandErrors.report(e, sparkOptions.verbose);
        }
    }

    /** The anomalous classes the options name, or null for no ROC. */
    private Set<Integer> anomalous(SparkSession spark) {
        if (anomalousClasses != null) {
            return new HashSet<>(anomalousClasses);
        }
        if (normalClasses == null) {
            return null;
        }
        int classes = io.sparkgan.data.DatasetManifest.read(
                        data, spark.sparkContext().hadoopConfiguration())
                .numClasses();
        Set<Integer> anomalous = new HashSet<>();
        for (int c = 0; c < classes; c++) {
            if (!normalClasses.contains(c)) {
                anomalous.add(c);
            }
        }
        return anomalous;
    }
}
