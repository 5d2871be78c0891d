package io.sparkgan.jobs.cli;

import io.sparkgan.data.OutputDirectory;
import io.sparkgan.data.SparkOptions;
import io.sparkgan.data.SparkSessions;
import io.sparkgan.data.progress.SparkJobProgress;
import io.sparkgan.jobs.generate.Generation;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sparkgan generate}: the options of the {@link Generation} job (a synthetic dataset from a run's checkpoint,
 * made on the executors), checked before Spark starts, and what it wrote.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Generates a synthetic dataset (Parquet with a manifest, or PNG files) from a run's checkpoint.",
            "",
            "Exit codes: 0 done, 2 bad options or input."
        })
public final class GenerateCommand implements Callable<Integer> {

    @Mixin
    SparkOptions sparkOptions;

    @Option(names = "--run-dir", paramLabel = "URI", description = "the run to sample from (or --registry)")
    String runDir;

    @Mixin
    RegistryOptions registryOptions;

    @Option(
            names = "--checkpoint",
            paramLabel = "STEP|best|latest",
            description = "which checkpoint (default: best when one is marked, else latest)")
    String checkpoint;

    @Option(
            names = "--ema",
            negatable = true,
            description = "sample G's moving average (default: when the run has one); --no-ema: the trained G")
    Boolean ema;

    @Option(names = "--count", required = true, paramLabel = "N", description = "samples to write")
    int count;

    @Option(names = "--output", required = true, paramLabel = "URI", description = "directory to write")
    String output;

    @Option(
            names = "--classes",
            paramLabel = "uniform|real|C:SHARE,...",
            description = "class mix of a conditional run: uniform (default), real (the training data's"
                    + " frequencies) or shares per label name or index, e.g. \"0:0.5,3:0.5\"; counts are exact")
    String classes;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the samples (default 0)")
    long seed;

    @Option(
            names = "--partitions",
            paramLabel = "P",
            description =
                    "tasks, and Parquet shards, at most one per 256 samples (default: the cluster's task" + " slots)")
    Integer partitions;

    @Option(names = "--format", paramLabel = "parquet|png", description = "parquet (default) or png")
    String format = "parquet";

    @Option(
            names = "--keep-fraction",
            paramLabel = "F",
            description = "discriminator rejection sampling: draw N/F samples per class and keep the N that D"
                    + " scores highest (default 1 = no filter)")
    double keepFraction = 1;

    @Option(
            names = "--overwrite",
            description = "replace an existing output of the same kind (refused while it holds a trained evaluator,"
                    + " _evaluator/, unless --drop-evaluator)")
    boolean overwrite;

    @Option(
            names = OutputDirectory.DROP_EVALUATOR,
            description = "with --overwrite: delete the old output's trained evaluator with it")
    boolean dropEvaluator;

    @Override
    public Integer call() {
        try {
            if (count < 1) {
                throw new IllegalArgumentException("--count must be >= 1, got " + count);
            }
            if (partitions != null && partitions < 1) {
                throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
            }
            if (!(keepFraction > 0 && keepFraction <= 1)) {
                throw new IllegalArgumentException("--keep-fraction must be in (0, 1], got " + keepFraction);
            }
            if (dropEvaluator && !overwrite) {
                throw new IllegalArgumentException(OutputDirectory.DROP_EVALUATOR + " needs --overwrite");
            }
            boolean png = switch (format) {
                case "parquet" -> false;
                case "png" -> true;
                default -> throw new IllegalArgumentException("--format must be parquet or png, got '" + format + "'");
            };
            SparkSession spark = SparkSessions.getOrCreate("sparkgan generate", sparkOptions);
            RegistryOptions.Model model =
                    registryOptions.resolve(spark.sparkContext().hadoopConfiguration(), runDir, checkpoint);
            runDir = model.runDir();
            checkpoint = model.checkpoint();
            try (SparkJobProgress.Phase phase =
                    SparkJobProgress.phase(spark, String.format("generating %,d images", count))) {
                return generate(spark, png);
            }
        } catch (Exception e) {
            return CommandErrors.report(e, sparkOptions.verbose);
        }
    }

    private int generate(SparkSession spark, boolean png) throws Exception {
        Generation.Result result = Generation.run(
                spark,
                new Generation.Request(
                        runDir,
                        checkpoint,
                        ema,
                        count,
                        output,
                        classes,
                        seed,
                        partitions,
                        png,
                        keepFraction,
                        overwrite,
                        dropEvaluator));
        System.out.printf(
                "wrote %d samples of %s checkpoint %d%s to %s as %s in %.1f s (%.0f images/s on %d tasks)%n",
                count,
                runDir,
                result.step(),
                result.averaged() ? " (EMA)" : "",
                output,
                png ? "PNG" : "Parquet",
                result.seconds(),
                count / result.seconds(),
                result.tasks());
        if (result.classCounts() != null) {
            System.out.println("class counts: " + Arrays.toString(result.classCounts()));
        }
        return 0;
    }
}
