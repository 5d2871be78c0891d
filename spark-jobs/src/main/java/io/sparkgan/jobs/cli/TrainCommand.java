package io.sparkgan.jobs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.sparkgan.data.SparkOptions;
import io.sparkgan.data.SparkSessions;
import io.sparkgan.jobs.gan.GanTraining;
import io.sparkgan.jobs.report.RunReport;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.ConfigProblem;
import io.sparkgan.jobs.run.FaultInjection;
import io.sparkgan.jobs.run.GracefulStop;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunLock;
import io.sparkgan.jobs.superres.SuperResolutionTraining;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.jobs.train.TrainingDiverged;
import io.sparkgan.jobs.train.TrainingMaster;
import java.io.IOException;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sparkgan train}: data-parallel GAN training on Spark. Options override the config file, which overrides
 * the defaults documented in {@link TrainConfig}. It is long because it declares every training option, one field
 * each; the training itself is {@link TrainingMaster}'s.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Trains a GAN data-parallel across Spark executors on a Parquet image dataset.",
            "",
            "With --model srgan it trains a super-resolution GAN on the dataset's images. Options override"
                    + " --config, which overrides the defaults.",
            "",
            "Exit codes: 0 done, 2 bad options or input (or, with --resume, no checkpoint that verifies), 3"
                    + " stopped for a suspected mode collapse (--on-collapse stop, or rollback with none left), 4"
                    + " diverged (more rejected rounds than --max-rejected-rounds), 5 another trainer holds the run"
                    + " directory (its run.lock), 143 stopped by SIGTERM (a scheduler, timeout; 130 by Ctrl-C)"
                    + " after the last whole round: continue with --resume."
        })
public final class TrainCommand implements Callable<Integer> {

    /** Exit code of a run stopped for a suspected collapse. */
    static final int COLLAPSED = 3;
    /** Training kept producing NaN or infinite values (more rejected rounds than --max-rejected-rounds). */
    static final int DIVERGED = 4;
    /** Another trainer holds the run directory's lock. */
    static final int LOCKED = 5;
    /** The outcome of a run stopped by a signal between rounds; its code is 128 + the signal (GracefulStop). */
    static final String STOPPED_OUTCOME = "stopped";

    @Mixin
    SparkOptions sparkOptions;

    @Option(
            names = "--config",
            paramLabel = "URI",
            description = "JSON or YAML file with any TrainConfig fields (a local path, or hdfs://, s3a://, ... which a"
                    + " driver in cluster deploy mode can read)")
    String configFile;

    @Mixin
    RunOptions run;

    @Mixin
    GanModelOptions ganModel;

    @Mixin
    SuperResolutionOptions superResolution;

    @Mixin
    EvaluationOptions evaluation;

    @Option(names = "--resume", description = "continue the run in --run-dir from its latest checkpoint")
    boolean resume;

    @Option(names = "--overwrite", description = "replace the run in --run-dir (only a run or an empty directory)")
    boolean overwrite;

    @Option(
            names = "--change-workers",
            description = "with --resume: continue on another number of --workers than the run was trained with")
    boolean changeWorkers;

    @Option(names = "--break-lock", description = "take over --run-dir from a trainer that died holding its run.lock")
    boolean breakLock;

    @Option(
            names = "--restart-unverified",
            description = "with --resume, when no checkpoint verifies (files that differ from what their"
                    + " _COMMITTED.json lists): move them to checkpoints/unverified/ and train again from round 0,"
                    + " instead of stopping with exit code 2")
    boolean restartUnverified;

    @Override
    public Integer call() {
        Outcome outcome = train();
        // a stop that took too long has been reported by the stop itself
        if (stop == null || stop.claimReport()) {
            report(outcome);
        }
        if (stop != null) {
            stop.close();
        }
        return outcome.exitCode();
    }

    /** The trainer, once made: whether it held the run's lock decides whether the outcome is the run's. */
    private TrainingMaster master;
    /** Stops the training between rounds on SIGTERM; installed once Spark runs. */
    private GracefulStop stop;

    private void report(Outcome outcome) {
        if (outcome.outcome().equals(STOPPED_OUTCOME)) {
            System.err.println(outcome.message());
        }
        if (master != null && master.heldRun()) {
            outcome.recordInRun("train", master.runDir(), sparkOptions);
        }
    }

    /** The outcome of this training stopped on request. */
    private Outcome stopped(boolean halted) {
        String runDir = master.runDir();
        return master.heldRun()
                ? stopped(stop, runDir, "resume with: sparkgan train --resume --run-dir " + runDir, halted)
                : stopped(stop, null, "nothing written to " + runDir + ": run the same command again", halted);
    }

    /**
     * The outcome of a training stopped on request, with its one line: the round it stopped at, its last checkpoint
     * and {@code goOn}, how to go on. {@code runDir} is null when the stop came before the training held its run.
     */
    static Outcome stopped(GracefulStop stop, String runDir, String goOn, boolean halted) {
        GracefulStop.Position at = stop.position();
        String message;
        if (runDir == null) {
            message = "stopped at round 0, before training started; " + goOn;
        } else {
            message = "stopped at round " + Math.max(0, at.rounds()) + "; "
                    + (at.latestCheckpoint() < 0
                            ? "no checkpoint yet"
                            : "last checkpoint: step " + at.latestCheckpoint() + " (" + runDir + "/"
                                    + CheckpointStore.DIR + "/" + CheckpointStore.name(at.latestCheckpoint()) + ")")
                    + "; " + goOn;
        }
        if (halted) {
            message += " (halted: the stop took longer than " + stop.limitSeconds() + " s)";
        }
        Outcome outcome = Outcome.of(GracefulStop.exitCode(), STOPPED_OUTCOME, message);
        outcome.details().put("rounds", Math.max(0, at.rounds()));
        outcome.details().put("latestCheckpoint", at.latestCheckpoint());
        return outcome;
    }

    private Outcome train() {
        TrainConfig config;
        try {
            if (resume && overwrite) {
                throw new IllegalArgumentException("--resume and --overwrite exclude each other");
            }
            if (restartUnverified && !resume) {
                throw new IllegalArgumentException("--restart-unverified only applies with --resume");
            }
            config = effectiveConfig(new TrainConfig());
            if (!resume) {
                config.validate();
            } else if (config.runDir == null) {
                throw new IllegalArgumentException("--resume needs --run-dir");
            }
        } catch (IllegalArgumentException e) {
            return Outcome.failed(CommandErrors.FAILED, "failed", e, sparkOptions.verbose);
        }
        TrainingMaster.Start start = resume
                ? TrainingMaster.Start.RESUME
                : overwrite ? TrainingMaster.Start.OVERWRITE : TrainingMaster.Start.NEW;
        try {
            SparkSession spark = SparkSessions.getOrCreate("sparkgan train", sparkOptions);
            if (resume) {
                // a resumed run keeps its saved options; those given now must agree (only the budget may grow)
                config = effectiveConfig(TrainConfig.storedIn(
                        new RunDirectory(config.runDir, spark.sparkContext().hadoopConfiguration())));
                config.validate();
            }
            master = new TrainingMaster(
                    spark,
                    config,
                    config.model.architecture.generative() ? new GanTraining() : new SuperResolutionTraining(),
                    start,
                    new TrainingMaster.Options(breakLock, changeWorkers, null, restartUnverified));
            stop = GracefulStop.install(spark.sparkContext(), () -> report(stopped(true)));
            TrainingMaster.Summary summary = master.stopOn(stop).train();
            System.out.printf(
                    "trained %d rounds (%d steps per worker, %.1f kimg) in %.0f s, %.1f images/s"
                            + " (evaluations: %.0f s)%n",
                    summary.rounds(),
                    summary.steps(),
                    summary.kimg(),
                    summary.seconds(),
                    summary.imagesPerSecond(),
                    summary.evaluationSeconds());
            System.out.printf(
                    "run directory: %s%n  samples:     %s/samples/%n  checkpoints: %s/checkpoints/%n"
                            + "  metrics:     %s/metrics/train.jsonl, %s/eval/metrics.jsonl%n",
                    summary.runDir(), summary.runDir(), summary.runDir(), summary.runDir(), summary.runDir());
            writeReport(spark, summary.runDir(), "  ");
            Outcome outcome = summary.collapse() != null
                    ? Outcome.of(COLLAPSED, "collapsed", summary.collapse())
                    : Outcome.of(0, "trained", String.format("trained %d rounds", summary.rounds()));
            if (summary.collapse() != null) {
                System.err.println("stopped: " + summary.collapse());
            }
            outcome.details().put("rounds", summary.rounds());
            outcome.details().put("kimg", summary.kimg());
            return outcome;
        } catch (RunLock.HeldException e) {
            return Outcome.failed(LOCKED, "locked", e, sparkOptions.verbose);
        } catch (TrainingDiverged e) {
            return Outcome.failed(DIVERGED, "diverged", e, sparkOptions.verbose);
        } catch (Exception e) {
            // on a stop the round's Spark jobs are cancelled: what fails then is the stop's doing
            if (stop != null && stop.requested()) {
                FaultInjection.hangAt("stop");
                return stopped(false);
            }
            return Outcome.failed(CommandErrors.FAILED, "failed", e, sparkOptions.verbose);
        }
    }

    /** Writes the run's HTML report and prints where it is, {@code indent} before; a failure only warns. */
    static void writeReport(SparkSession spark, String runDir, String indent) {
        try {
            System.out.printf(
                    "%sreport:      %s%n",
                    indent, new RunReport(runDir, spark.sparkContext().hadoopConfiguration()).write());
        } catch (IOException | RuntimeException e) {
            System.err.println("warning: the report could not be written: " + e);
        }
    }

    /** {@code base} with the config file's fields and then the options given on the command line set on it. */
    TrainConfig effectiveConfig(TrainConfig base) {
        TrainConfig config;
        try {
            config = configFile != null
                    ? TrainConfig.overlay(base, configFile, SparkSessions.hadoopConfiguration(sparkOptions))
                    : base;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("--config " + configFile + ": " + ConfigProblem.describe(e), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --config " + configFile + ": " + e.getMessage(), e);
        }
        run.applyTo(config);
        evaluation.applyTo(config);
        ganModel.applyTo(config.model);
        superResolution.applyTo(config.model);
        return config;
    }
}
