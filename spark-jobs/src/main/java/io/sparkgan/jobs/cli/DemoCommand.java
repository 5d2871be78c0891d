package io.sparkgan.jobs.cli;

import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.SparkOptions;
import io.sparkgan.data.SparkSessions;
import io.sparkgan.jobs.eval.SampleEvaluation;
import io.sparkgan.jobs.gan.GanTraining;
import io.sparkgan.jobs.run.GracefulStop;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.jobs.train.TrainingMaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sparkgan demo}: the whole path on the bundled MNIST, on this machine: prep the 60,000 training and 10,000
 * test images and train the evaluator (once each), train the DCGAN in Spark local mode for a few minutes with an
 * evaluation at every other checkpoint, and say where the sample grids, metrics and best checkpoint are.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Prepares the bundled MNIST, trains its evaluator and trains a DCGAN on it in Spark local mode.",
            "",
            "The evaluator is trained the first time only. FID and mode coverage are measured at every other"
                    + " checkpoint. It takes about 13 minutes on 2 cores the first time, 8 after. Re-running replaces"
                    + " the previous demo run.",
            "",
            "Exit codes: 0 done (also when training stopped early for a suspected collapse), 2 bad options or"
                    + " input, or a step that failed (its error names it), 143 training stopped by SIGTERM (130 by"
                    + " Ctrl-C) between rounds: the line printed names the train --resume that continues it."
        })
public final class DemoCommand implements Callable<Integer> {

    /** The demo's default budget: PyTorch's DCGAN reaches FID 49-51 on MNIST in this many steps (120 kimg). */
    static final int STEPS_PER_WORKER = 1875;

    @Option(names = "--dir", paramLabel = "PATH", description = "where the dataset and the run go (default: demo)")
    Path dir = Path.of("demo");

    @Option(
            names = "--mnist",
            paramLabel = "PATH",
            description = "the MNIST IDX folder (default: the data/mnist bundled with sparkgan, wherever the demo is"
                    + " started)")
    Path mnist;

    /** Where the bundled MNIST is, relative to a sparkgan checkout. */
    static final Path BUNDLED_MNIST = Path.of("data", "mnist");

    @Option(
            names = "--kimg",
            paramLabel = "K",
            description = "training budget in thousands of images, all workers together as train's (default: 120 per"
                    + " worker, 1875 steps of 64 each)")
    double kimg;

    @Option(
            names = "--workers",
            paramLabel = "N",
            description = "data-parallel workers (default: in local mode one per two cores, at least one; on a cluster"
                    + " its task slots)")
    int workers;

    @Mixin
    SparkOptions sparkOptions;

    @Option(names = "--no-evaluation", description = "train without the evaluator (and without evaluations)")
    boolean noEvaluation;

    @Override
    public Integer call() {
        try {
            if (mnist == null) {
                mnist = bundledMnist(
                        Path.of("").toAbsolutePath(),
                        Path.of(DemoCommand.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI()));
            }
            SparkSession spark = SparkSessions.getOrCreate("sparkgan demo", sparkOptions);
            Path dataset = dir.resolve("mnist-train").toAbsolutePath();
            Path testSplit = dir.resolve("mnist-test").toAbsolutePath();
            int code = prep(dataset, "train");
            if (code == 0 && !noEvaluation) {
                code = prep(testSplit, "test");
            }
            if (code == 0 && !noEvaluation && SampleEvaluation.storedEvaluator(spark, dataset.toString()) == null) {
                System.out.println("training the evaluator (the classifier whose features FID compares) ...");
                code = SparkGanCli.run(
                        "train-evaluator", "--data", dataset.toString(), "--test-data", testSplit.toString());
            }
            if (code != 0) {
                return code;
            }
            TrainConfig config = new TrainConfig();
            config.data = dataset.toString();
            config.runDir = dir.resolve("run").toAbsolutePath().toString();
            config.workers = workers > 0 ? workers : defaultWorkers(spark.sparkContext());
            config.kimg = kimg > 0 ? kimg : defaultKimg(config.workers, config.batchPerWorker);
            config.checkpointEvery = 15;
            // every other checkpoint: an evaluation (5000 samples) costs about a third of the training between two
            config.evaluateEvery = noEvaluation ? 0 : 2;
            System.out.printf(
                    "training the DCGAN on %s for %.0f kimg on %d worker(s) in %s ...%n",
                    dataset, config.kimg, config.workers, spark.sparkContext().master());
            // the demo's own directory: the lock of a killed demo is taken over (a live one never is)
            master = new TrainingMaster(
                    spark,
                    config,
                    new GanTraining(),
                    TrainingMaster.Start.OVERWRITE,
                    new TrainingMaster.Options(true, false));
            stop = GracefulStop.install(spark.sparkContext(), () -> System.err.println(stopped(true)));
            TrainingMaster.Summary summary;
            try {
                summary = master.stopOn(stop).train();
            } catch (Exception e) {
                if (!stop.requested()) {
                    throw e;
                }
                // the round's Spark jobs were cancelled by the stop: one line, not their errors
                if (stop.claimReport()) {
                    System.err.println(stopped(false));
                }
                return GracefulStop.exitCode();
            } finally {
                stop.close();
            }
            String grid = summary.runDir() + "/" + RunDirectory.sampleGrid(summary.latestCheckpoint());
            System.out.printf(
                    "done: %d rounds, %.1f kimg in %.0f s (%.0f images/s; evaluations %.0f s)%n",
                    summary.rounds(),
                    summary.kimg(),
                    summary.seconds(),
                    summary.imagesPerSecond(),
                    summary.evaluationSeconds());
            if (summary.collapse() != null) {
                System.out.println("stopped early: " + summary.collapse());
            }
            System.out.println("dataset:     " + dataset);
            System.out.println("run:         " + summary.runDir());
            System.out.println("samples:     " + grid + "  (one grid per checkpoint, same noise each time)");
            System.out.println("metrics:     " + summary.runDir() + "/metrics/train.jsonl");
            if (!noEvaluation) {
                System.out.println("evaluations: " + summary.runDir() + "/eval/metrics.jsonl  (FID, KID, precision/"
                        + "recall, density/coverage, modes; the best checkpoint by FID is checkpoints/best)");
                System.out.println("curves:      " + summary.runDir() + "/eval/metrics.png");
            }
            System.out.println("checkpoints: " + summary.runDir() + "/checkpoints/");
            TrainCommand.writeReport(spark, summary.runDir(), "");
            return 0;
        } catch (Exception e) {
            return CommandErrors.report(e, false);
        }
    }

    /** The trainer and its stop on SIGTERM or Ctrl-C, once training starts. */
    private TrainingMaster master;

    private GracefulStop stop;

    /** The one line of a demo stopped on request: where, and how to go on with the run or start over. */
    private String stopped(boolean halted) {
        String runDir = master.runDir();
        return master.heldRun()
                ? TrainCommand.stopped(
                                stop,
                                runDir,
                                "continue it with: sparkgan train --resume --run-dir " + runDir
                                        + " (sparkgan demo starts over)",
                                halted)
                        .message()
                : TrainCommand.stopped(stop, null, "run sparkgan demo again", halted)
                        .message();
    }

    /**
     * The demo's workers when not given. In local mode one per two cores, at least one: a worker's steps, not the
     * images all workers show, make the quality (docs/TRAINING.md), and with two cores a worker takes 1.4x the steps
     * of a single-core one (on 2 cores, one such worker beat two single-core ones in the same time). On a cluster,
     * one per task slot.
     */
    static int defaultWorkers(SparkContext sc) {
        int slots = sc.defaultParallelism();
        return sc.isLocal() ? Math.max(1, slots / 2) : slots;
    }

    /** The demo's budget when not given: the same {@link #STEPS_PER_WORKER} steps per worker on any machine. */
    static double defaultKimg(int workers, int batchPerWorker) {
        return STEPS_PER_WORKER * (double) batchPerWorker * workers / 1000;
    }

    /**
     * The bundled MNIST of the checkout the demo's classes or jar were built in ({@code codeLocation} is
     * {@code <checkout>/spark-jobs/target/classes} or a jar next to it), so that the demo runs from any directory;
     * else {@code data/mnist} under {@code workingDirectory}.
     */
    static Path bundledMnist(Path workingDirectory, Path codeLocation) {
        List<Path> tried = new ArrayList<>();
        for (Path dir = codeLocation.getParent(); dir != null; dir = dir.getParent()) {
            tried.add(dir.resolve(BUNDLED_MNIST));
        }
        tried.add(workingDirectory.resolve(BUNDLED_MNIST));
        return tried.stream()
                .filter(Files::isDirectory)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the bundled MNIST is not in any of " + tried
                        + " (sparkgan's classes are in " + codeLocation + "); pass --mnist with its IDX folder"));
    }

    /** Preps one MNIST split into {@code dataset} unless it is there already. */
    private int prep(Path dataset, String split) {
        if (Files.exists(dataset.resolve(DatasetManifest.FILE_NAME))) {
            return 0;
        }
        System.out.println("preparing the MNIST " + split + " split from " + mnist + " into " + dataset + " ...");
        return SparkGanCli.run(
                "prep",
                "--from",
                "mnist-idx",
                "--input",
                mnist.toString(),
                "--split",
                split,
                "--output",
                dataset.toString(),
                "--overwrite");
    }
}
