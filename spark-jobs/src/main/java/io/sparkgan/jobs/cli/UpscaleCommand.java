package io.sparkgan.jobs.cli;

import io.sparkgan.data.OutputDirectory;
import io.sparkgan.data.SparkOptions;
import io.sparkgan.data.SparkSessions;
import io.sparkgan.data.progress.SparkJobProgress;
import io.sparkgan.jobs.superres.Upscaling;
import io.sparkgan.model.Json;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkgan upscale}: a dataset upscaled by a super-resolution run ({@link Upscaling}). */
@Command(
        name = "upscale",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Upscales a dataset with the G of a super-resolution run (train --model srgan) on the executors.",
            "",
            "It writes a dataset (same ids and labels) whose manifest names the run, checkpoint and scale."
                    + " Images of any size are upscaled as they are. With --evaluate the dataset holds originals: they"
                    + " are downscaled first and PSNR, SSIM and FID against them are written to upscaling.json, for G"
                    + " and for bicubic.",
            "",
            "Exit codes: 0 done, 2 bad options or input."
        })
public final class UpscaleCommand implements Callable<Integer> {

    @Mixin
    SparkOptions sparkOptions;

    @Option(names = "--run-dir", paramLabel = "URI", description = "the super-resolution run (or --registry)")
    String runDir;

    @Mixin
    RegistryOptions registryOptions;

    @Option(names = "--data", required = true, paramLabel = "URI", description = "the dataset to upscale")
    String data;

    @Option(names = "--output", required = true, paramLabel = "URI", description = "the dataset to write")
    String output;

    @Option(names = "--checkpoint", paramLabel = "STEP|latest", description = "the checkpoint (default latest)")
    String checkpoint;

    @Option(
            names = "--evaluate",
            description = "treat the images as originals: downscale, upscale, and measure against them")
    boolean evaluate;

    @Option(
            names = "--evaluator",
            paramLabel = "URI",
            description = "with --evaluate: the evaluator whose features FID compares (default: the run's training"
                    + " dataset's, when it has one)")
    String evaluator;

    @Option(names = "--partitions", paramLabel = "P", description = "tasks (default: the dataset's partitions)")
    Integer partitions;

    @Option(
            names = "--overwrite",
            description = "replace an existing dataset at --output (refused while it holds a trained evaluator,"
                    + " _evaluator/, unless --drop-evaluator)")
    boolean overwrite;

    @Option(
            names = OutputDirectory.DROP_EVALUATOR,
            description = "with --overwrite: delete the old dataset's trained evaluator with it")
    boolean dropEvaluator;

    @Override
    public Integer call() {
        try {
            if (partitions != null && partitions < 1) {
                throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
            }
            if (evaluator != null && !evaluate) {
                throw new IllegalArgumentException("--evaluator needs --evaluate");
            }
            if (dropEvaluator && !overwrite) {
                throw new IllegalArgumentException(OutputDirectory.DROP_EVALUATOR + " needs --overwrite");
            }
            SparkSession spark = SparkSessions.getOrCreate("sparkgan upscale", sparkOptions);
            RegistryOptions.Model model =
                    registryOptions.resolve(spark.sparkContext().hadoopConfiguration(), runDir, checkpoint);
            runDir = model.runDir();
            checkpoint = model.checkpoint();
            Upscaling.Summary summary;
            try (SparkJobProgress.Phase phase = SparkJobProgress.phase(spark, "upscaling " + data)) {
                summary = new Upscaling(spark, runDir)
                        .upscale(data, output, overwrite, dropEvaluator, checkpoint, evaluate, evaluator, partitions);
            }
            System.out.printf(
                    "upscaled %d images of %s by %d with checkpoint %d to %s in %.1f s (%.1f images/s)%n",
                    summary.images(),
                    data,
                    summary.scale(),
                    summary.checkpoint(),
                    output,
                    summary.seconds(),
                    summary.images() / summary.seconds());
            if (summary.evaluation() != null) {
                System.out.println(
                        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(summary.evaluation()));
            }
            return 0;
        } catch (Exception e) {
            return CommandErrors.report(e, sparkOptions.verbose);
        }
    }
}
