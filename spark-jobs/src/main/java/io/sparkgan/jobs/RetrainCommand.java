package io.sparkgan.jobs;

import io.sparkgan.data.SparkSessions;
import io.sparkgan.jobs.registry.ModelRegistry;
import io.sparkgan.jobs.registry.Promotion;
import io.sparkgan.jobs.registry.Retraining;
import io.sparkgan.jobs.train.RunLock;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.jobs.train.TrainingDiverged;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkgan retrain}: scheduled retraining with gated promotion ({@link Retraining}). */
@Command(
        name = "retrain",
        sortOptions = false,
        description = {
            "Retrains the model a registry promotes (or a new one) on new data and promotes the candidate only when",
            "it evaluates better on that data than the current model does. Takes train's options; --kimg is this",
            "retrain's budget (default 60). With a promoted model the candidate continues that model's run, with its",
            "model and training settings: only --data, --kimg, --normal-classes and --evaluator apply then",
            "(unless --from-scratch).",
            "A retrain that stopped before it decided (killed, its host lost) is resumed by the alias's next retrain",
            "on the same data; its locks are taken over with --break-lock (refused while it runs on this host).",
            "Exit codes: 0 promoted, 99 trained but the old model was kept",
            "(schedulers: success without change; Airflow skips on 99), 2 bad options or input,",
            "3 training stopped for a suspected collapse (--on-collapse stop; the candidate is never promoted),",
            "4 diverged, 5 another retrain holds the registry or its candidate (--break-lock when it is gone)."
        })
public final class RetrainCommand implements Callable<Integer> {

    /** Trained fine, evaluated, and kept the old model. */
    static final int KEPT = 99;

    @Mixin
    TrainCommand train;

    @Option(names = "--registry", required = true, paramLabel = "URI", description = "the model registry directory")
    String registry;

    @Option(
            names = "--alias",
            paramLabel = "NAME",
            description = "the alias to retrain and promote: letters, digits, '.', '_', '-' (default champion)")
    String alias = "champion";

    @Option(
            names = "--fid-margin",
            paramLabel = "M",
            description = "promote only when the candidate's FID is lower than the champion's by more than M"
                    + " (default 0)")
    double fidMargin;

    @Option(
            names = "--min-mode-share",
            paramLabel = "S",
            description = "and it covers at least this share of the classes (default 0 = no floor)")
    double minModeShare;

    @Option(names = "--min-recall", paramLabel = "R", description = "and its recall is at least R (default 0)")
    double minRecall;

    @Option(
            names = "--from-scratch",
            description = "train the candidate from a random initialisation with these options even when a model is"
                    + " promoted (after a change of architecture, or data too different for a warm start)")
    boolean fromScratch;

    @Option(
            names = "--keep-candidates",
            paramLabel = "K",
            description = "candidate runs kept under the registry's runs/: the last K decided (default 5), besides"
                    + " every run ever promoted and a pending one; the others are deleted after each retrain")
    int keepCandidates = 5;

    @Override
    public Integer call() {
        try {
            if (train.runDir != null || train.resume || train.overwrite || train.changeWorkers) {
                throw new IllegalArgumentException("retrain chooses its runs inside --registry: --run-dir, --resume,"
                        + " --overwrite and --change-workers do not apply");
            }
            ModelRegistry.checkAlias(alias);
            TrainConfig options = train.effectiveConfig(new TrainConfig());
            if (options.data == null) {
                throw new IllegalArgumentException("--data is required");
            }
            if (options.epochs > 0) {
                throw new IllegalArgumentException("retrain's budget is --kimg, not --epochs");
            }
            Promotion policy = new Promotion(fidMargin, minModeShare, minRecall);
            Retraining.Options retraining =
                    new Retraining.Options(options.evaluator, fromScratch, train.breakLock, keepCandidates);
            SparkSession spark = SparkSessions.getOrCreate("sparkgan retrain", train.sparkOptions.master);
            Retraining.Result result = new Retraining(spark, registry, alias).retrain(options, policy, retraining);
            System.out.printf(
                    "%s: %s%n  candidate %s, checkpoint %d; %s is version %d%n",
                    result.outcome() == Retraining.Outcome.PROMOTED ? "promoted" : "kept the current model",
                    result.reason(),
                    result.candidateRun(),
                    result.checkpoint(),
                    alias,
                    result.version());
            return switch (result.outcome()) {
                case PROMOTED -> 0;
                case KEPT -> KEPT;
                case COLLAPSED -> {
                    System.err.println("stopped: " + result.reason());
                    yield TrainCommand.COLLAPSED;
                }
            };
        } catch (RunLock.HeldException e) {
            CommandErrors.report(e, train.sparkOptions.verbose);
            return TrainCommand.LOCKED;
        } catch (TrainingDiverged e) {
            CommandErrors.report(e, train.sparkOptions.verbose);
            return TrainCommand.DIVERGED;
        } catch (Exception e) {
            return CommandErrors.report(e, train.sparkOptions.verbose);
        }
    }
}
