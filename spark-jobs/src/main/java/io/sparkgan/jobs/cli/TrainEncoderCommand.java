package io.sparkgan.jobs.cli;

import io.sparkgan.data.SparkOptions;
import io.sparkgan.data.SparkSessions;
import io.sparkgan.jobs.anomaly.EncoderTraining;
import io.sparkgan.model.anomaly.EncoderConfig;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkgan train-encoder}: the f-AnoGAN encoder of a GAN run, trained data-parallel like the GAN. */
@Command(
        name = "train-encoder",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Trains the f-AnoGAN encoder of an unconditional GAN run, for 'sparkgan score'.",
            "",
            "The encoder learns izi_f (image residual + kappa x D-feature residual, G and D frozen) on the"
                    + " run's own training data, data-parallel on its workers. It is stored in the run directory under"
                    + " encoder/ and is resumable.",
            "",
            "Exit codes: 0 done, 2 bad options or input, 5 the run directory is locked by another trainer."
        })
public final class TrainEncoderCommand implements Callable<Integer> {

    @Mixin
    SparkOptions sparkOptions;

    @Option(names = "--run-dir", required = true, paramLabel = "URI", description = "the GAN run")
    String runDir;

    @Option(
            names = "--checkpoint",
            paramLabel = "STEP|best|latest",
            description = "the GAN checkpoint to encode for (default: best when one is marked, else latest)")
    String checkpoint;

    @Option(names = "--kimg", paramLabel = "K", description = "thousands of images to train on (default 60)")
    double kimg = 60;

    @Option(names = "--kappa", paramLabel = "K", description = "weight of the D-feature residual (default 1)")
    double kappa = new EncoderConfig().kappa;

    @Option(names = "--lr", paramLabel = "LR", description = "the encoder's Adam learning rate (default 1e-4)")
    double lr = new EncoderConfig().lr;

    @Option(
            names = "--checkpoint-every",
            paramLabel = "R",
            description = "rounds between encoder checkpoints (default 20)")
    int checkpointEvery = 20;

    @Option(names = "--resume", description = "continue the run's encoder from its latest checkpoint")
    boolean resume;

    @Override
    public Integer call() {
        try {
            if (!(kimg > 0)) {
                throw new IllegalArgumentException("--kimg must be > 0, got " + kimg);
            }
            if (checkpointEvery < 1) {
                throw new IllegalArgumentException("--checkpoint-every must be >= 1, got " + checkpointEvery);
            }
            EncoderConfig config = new EncoderConfig();
            config.kappa = kappa;
            config.lr = lr;
            SparkSession spark = SparkSessions.getOrCreate("sparkgan train-encoder", sparkOptions);
            EncoderTraining.Summary summary =
                    new EncoderTraining(spark, runDir).train(checkpoint, config, kimg, checkpointEvery, resume);
            System.out.printf(
                    "encoder of %s (GAN checkpoint %d): %d steps, %.1f kimg, loss %.5f%n",
                    runDir, summary.ganCheckpoint(), summary.steps(), summary.kimg(), summary.loss());
            return 0;
        } catch (Exception e) {
            return CommandErrors.report(e, sparkOptions.verbose);
        }
    }
}
