package io.sparkgan.jobs.cli;

import io.sparkgan.data.SparkSessions;
import io.sparkgan.jobs.registry.ModelRegistry;
import io.sparkgan.jobs.registry.Promotion;
import io.sparkgan.jobs.registry.Retraining;
import io.sparkgan.jobs.run.GracefulStop;
import io.sparkgan.jobs.run.RunLock;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.jobs.train.TrainingDiverged;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;

/** {@code sparkgan retrain}: scheduled retraining with gated promotion ({@link Retraining}). */
@Command(
        name = "retrain",
        sortOptions = false,
        description = {
            "Retrains a registry's model on new data and promotes the candidate if it evaluates better.",
            "",
            "Without a promoted model it trains a new one. The candidate is promoted only when it evaluates"
                    + " better on that data than the current model does. Takes train's options; --kimg is this"
                    + " retrain's budget (default 60). With a promoted model the candidate continues that model's run,"
                    + " with its model and training settings: only --data, --kimg, --normal-classes and --evaluator"
                    + " apply then (unless --from-scratch). The runs are kept inside --registry, so train's --run-dir,"
                    + " --resume, --overwrite, --change-workers and --restart-unverified do not apply.",
            "",
            "A retrain that stopped before it decided (killed, its host lost) is resumed by the alias's next"
                    + " retrain on the same data; its locks are taken over with --break-lock (refused while it runs on"
                    + " this host).",
            "",
            "Exit codes: 0 promoted, 99 trained but the old model was kept (schedulers: success without"
                    + " change; Airflow skips on 99), 2 bad options or input, 3 training stopped for a suspected"
                    + " collapse (--on-collapse stop; the candidate is never promoted), 4 diverged, 5 another retrain"
                    + " holds the registry or its candidate (--break-lock when it is gone), 143 stopped by SIGTERM"
                    + " (130 by Ctrl-C) between rounds: the candidate stays pending and the next retrain resumes it."
        })
public final class RetrainCommand implements Callable<Integer> {

    /** Trained fine, evaluated, and kept the old model. */
    static final int KEPT = 99;

    /** The options of train that retrain refuses: it chooses its runs inside --registry. */
    private static final List<String> REFUSED_TRAIN_OPTIONS =
            List.of("--run-dir", "--resume", "--overwrite", "--change-workers", "--restart-unverified");

    /**
     * Retrain's help lists its own options first, then train's that apply, then Spark's and the help's; it leaves out
     * the train options that retrain refuses (they come with the train mixin), also from the synopsis.
     */
    static void arrangeHelp(CommandLine retrain) {
        CommandSpec spec = retrain.getCommandSpec();
        spec.usageMessage().abbreviateSynopsis(true).optionListHeading("");
        CommandSpec trainSpec = spec.mixins().get("train");
        List<String> sparkOptions = trainSpec.mixins().get("sparkOptions").options().stream()
                .map(OptionSpec::longestName)
                .toList();
        String own = "Retrain options:";
        String training = "Training options (as for 'sparkgan train'):";
        String general = "Spark and general options:";
        Map<String, List<OptionSpec>> sections = new LinkedHashMap<>();
        for (String heading : List.of(own, training, general)) {
            sections.put(heading, new ArrayList<>());
        }
        for (OptionSpec option : spec.options()) {
            String name = option.longestName();
            if (REFUSED_TRAIN_OPTIONS.contains(name)) {
                continue;
            }
            boolean retrains = trainSpec.findOption(name) == null || name.equals("--break-lock");
            boolean isGeneral = sparkOptions.contains(name) || option.usageHelp() || option.versionHelp();
            sections.get(retrains ? own : isGeneral ? general : training).add(option);
        }
        retrain.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, help -> {
            StringBuilder text = new StringBuilder();
            sections.forEach((heading, options) -> {
                CommandLine.Help.Layout layout = help.createDefaultLayout();
                layout.addOptions(options, help.createDefaultParamLabelRenderer());
                text.append(String.format("%n"))
                        .append(help.createHeading(heading + "%n"))
                        .append(layout);
            });
            return text.toString();
        });
    }

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

    /** The retrain, once made: whether it held the registry's lock decides whether the outcome is the alias's. */
    private Retraining retraining;

    @Override
    public Integer call() {
        Outcome outcome = retrain();
        // a stop that took too long has been reported by the stop itself
        if (stop == null || stop.claimReport()) {
            report(outcome);
        }
        if (stop != null) {
            stop.close();
        }
        return outcome.exitCode();
    }

    /** Stops the candidate's training between rounds on SIGTERM; installed once Spark runs. */
    private GracefulStop stop;

    private void report(Outcome outcome) {
        if (outcome.outcome().equals(TrainCommand.STOPPED_OUTCOME)) {
            System.err.println(outcome.message());
        }
        if (retraining != null && retraining.heldRegistry()) {
            outcome.recordInRegistry("retrain", registry, alias, train.sparkOptions);
        }
    }

    /** The outcome of this retrain stopped on request: its candidate stays pending for the next retrain. */
    private Outcome stopped(boolean halted) {
        String candidate = retraining == null ? null : retraining.candidateRun();
        String again = "sparkgan retrain --registry " + registry + " --alias " + alias;
        return candidate == null
                ? TrainCommand.stopped(stop, null, "no candidate yet: run the same command again", halted)
                : TrainCommand.stopped(
                        stop, candidate, "the next " + again + " resumes this candidate (" + candidate + ")", halted);
    }

    private Outcome retrain() {
        try {
            if (train.run.runDir != null
                    || train.resume
                    || train.overwrite
                    || train.changeWorkers
                    || train.restartUnverified) {
                throw new IllegalArgumentException("retrain chooses its runs inside --registry: "
                        + String.join(", ", REFUSED_TRAIN_OPTIONS) + " do not apply");
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
            Retraining.Options how =
                    new Retraining.Options(options.evaluator, fromScratch, train.breakLock, keepCandidates);
            SparkSession spark = SparkSessions.getOrCreate("sparkgan retrain", train.sparkOptions);
            retraining = new Retraining(spark, registry, alias);
            stop = GracefulStop.install(spark.sparkContext(), () -> report(stopped(true)));
            Retraining.Result result = retraining.stopOn(stop).retrain(options, policy, how);
            System.out.printf(
                    "%s: %s%n  candidate %s, checkpoint %d; %s is version %d%n",
                    result.outcome() == Retraining.Outcome.PROMOTED ? "promoted" : "kept the current model",
                    result.reason(),
                    result.candidateRun(),
                    result.checkpoint(),
                    alias,
                    result.version());
            Outcome outcome = switch (result.outcome()) {
                case PROMOTED -> Outcome.of(0, "promoted", result.reason());
                case KEPT -> Outcome.of(KEPT, "kept", result.reason());
                case COLLAPSED -> {
                    System.err.println("stopped: " + result.reason());
                    yield Outcome.of(TrainCommand.COLLAPSED, "collapsed", result.reason());
                }
            };
            outcome.details().put("alias", alias);
            outcome.details().put("candidateRun", result.candidateRun());
            outcome.details().put("checkpoint", result.checkpoint());
            outcome.details().put("version", result.version());
            return outcome;
        } catch (RunLock.HeldException e) {
            return Outcome.failed(TrainCommand.LOCKED, "locked", e, train.sparkOptions.verbose);
        } catch (TrainingDiverged e) {
            return Outcome.failed(TrainCommand.DIVERGED, "diverged", e, train.sparkOptions.verbose);
        } catch (Exception e) {
            // on a stop the candidate's Spark jobs are cancelled: what fails then is the stop's doing
            if (stop != null && stop.requested()) {
                return stopped(false);
            }
            return Outcome.failed(CommandErrors.FAILED, "failed", e, train.sparkOptions.verbose);
        }
    }
}
