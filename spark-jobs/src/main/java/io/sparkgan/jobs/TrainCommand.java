package io.sparkgan.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.sparkgan.data.SparkOptions;
import io.sparkgan.data.SparkSessions;
import io.sparkgan.jobs.engine.FaultInjection;
import io.sparkgan.jobs.report.RunReport;
import io.sparkgan.jobs.run.ConfigProblem;
import io.sparkgan.jobs.run.GracefulStop;
import io.sparkgan.jobs.run.RunLock;
import io.sparkgan.jobs.train.CheckpointStore;
import io.sparkgan.jobs.train.RunDirectory;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.jobs.train.TrainingDiverged;
import io.sparkgan.jobs.train.TrainingMaster;
import io.sparkgan.model.DiffAugment;
import io.sparkgan.model.GanLoss;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.SuperResolutionConfig;
import java.io.IOException;
import java.util.List;
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

    @Option(names = "--data", paramLabel = "URI", description = "dataset directory (from 'sparkgan prep')")
    String data;

    @Option(
            names = "--run-dir",
            paramLabel = "URI",
            description = "where the run writes config, metrics, samples, checkpoints")
    String runDir;

    @Option(
            names = "--workers",
            paramLabel = "N",
            description = "data-parallel workers (default: the cluster's task slots)")
    Integer workers;

    @Option(names = "--batch-per-worker", paramLabel = "B", description = "minibatch per worker (default 64)")
    Integer batchPerWorker;

    @Option(
            names = "--averaging-every",
            paramLabel = "K",
            description = "local steps between averagings (default 0 ="
                    + " automatic: 1.6e-3 / the larger learning rate, 8 at the default 2e-4)")
    Integer averagingEvery;

    @Option(names = "--kimg", paramLabel = "K", description = "budget in thousands of real images (default 60)")
    Double kimg;

    @Option(names = "--epochs", paramLabel = "E", description = "budget in passes over the dataset (replaces --kimg)")
    Double epochs;

    @Option(names = "--lr-g", paramLabel = "LR", description = "generator learning rate (default 2e-4)")
    Double lrG;

    @Option(names = "--lr-d", paramLabel = "LR", description = "discriminator learning rate (default 2e-4)")
    Double lrD;

    @Option(
            names = "--conditional",
            description = "class-conditional GAN on a labelled dataset: G(z, label),"
                    + " D(image, label); sample grids get one row per class")
    Boolean conditional;

    @Option(
            names = "--conditioning",
            paramLabel = "input|projection|both",
            description = "how a conditional D gets the label: input planes, a per-class output (projection),"
                    + " or both (default both)")
    String conditioning;

    @Option(
            names = "--normal-classes",
            split = ",",
            paramLabel = "C,...",
            description = "train on these classes (indexes) of a labelled dataset only: the normal data of anomaly"
                    + " detection (sparkgan train-encoder, score); default every row")
    List<Integer> normalClasses;

    @Option(
            names = "--ema-kimg",
            paramLabel = "K",
            description = "half-life of the moving average of G's weights in kimg, used for samples and evaluation"
                    + " (default 0 = off)")
    Double emaKimg;

    @Option(
            names = "--ema-rampup",
            paramLabel = "R",
            description = "ramp-up of that half-life: at most R times the images shown so far (default 0 = none)")
    Double emaRampup;

    @Option(
            names = "--d-steps",
            paramLabel = "K",
            description = "D updates per G update (default 1); --averaging-every counts D updates")
    Integer dSteps;

    @Option(
            names = "--lr-scaling",
            paramLabel = "linear|sqrt|none",
            description = "each worker trains at both rates times the number of workers (linear), its square root"
                    + " (sqrt, Adam only) or as given (none); N workers then need fewer steps each to a given FID"
                    + " (default linear)")
    String lrScaling;

    @Option(
            names = "--pack",
            paramLabel = "P",
            description = "PacGAN: D judges packs of P samples stacked along the channels, which counters mode"
                    + " dropping (unconditional models; default 1 = off)")
    Integer pack;

    @Option(
            names = "--loss",
            paramLabel = "ns|hinge|ls",
            description = "adversarial loss: non-saturating (default), hinge, least squares")
    String loss;

    @Option(
            names = "--label-smoothing",
            paramLabel = "S",
            description = "one-sided: D's target on real images is 1 - S (ns and ls losses; default 0)")
    Double labelSmoothing;

    @Option(
            names = "--augment",
            paramLabel = "POLICY",
            description = "differentiable augmentation of every image D sees, real and generated: any of"
                    + " color,translation,cutout, or none (default)")
    String augment;

    @Option(
            names = "--architecture",
            paramLabel = "A",
            description = "DCGAN (default, Radford et al.), DCGAN_K5 (the TensorFlow tutorial's 5x5 DCGAN),"
                    + " DCGAN_RESIDUAL (the DCGAN with a residual block in G); SRGAN is --model srgan")
    GanModelConfig.Architecture architecture;

    @Option(
            names = "--model",
            paramLabel = "gan|srgan",
            description = "gan (default): G makes images from noise; srgan: super-resolution, G learns to undo a"
                    + " bicubic downscale by --scale (sparkgan upscale applies it)")
    String modelKind;

    @Option(names = "--scale", paramLabel = "2|4", description = "srgan: the upscaling factor (default 4)")
    Integer scale;

    @Option(
            names = "--patch",
            paramLabel = "P",
            description = "srgan: train on random P x P crops (default: whole images)")
    Integer patch;

    @Option(names = "--sr-blocks", paramLabel = "N", description = "srgan: residual blocks in G (default 8)")
    Integer srBlocks;

    @Option(names = "--sr-features", paramLabel = "N", description = "srgan: channels of G's feature maps (default 64)")
    Integer srFeatures;

    @Option(
            names = "--pixel-loss",
            paramLabel = "mse|l1",
            description = "srgan: the content loss's pixel term (default mse)")
    String pixelLoss;

    @Option(
            names = "--feature-weight",
            paramLabel = "W",
            description = "srgan: weight of the content loss's feature term, in the dataset evaluator's"
                    + " convolutional features (default 0 = pixels only)")
    Double featureWeight;

    @Option(
            names = "--adversarial-weight",
            paramLabel = "W",
            description = "srgan: weight of the adversarial term in G's loss (default 1e-3; 0 trains SRResNet, the"
                    + " content loss alone)")
    Double adversarialWeight;

    @Option(
            names = "--pretrain-kimg",
            paramLabel = "K",
            description = "srgan: train the first K kimg on the content loss alone (SRResNet), then add the"
                    + " adversarial term (default 0)")
    Double pretrainKimg;

    @Option(
            names = "--sr-input-skip",
            negatable = true,
            description = "srgan: G adds its output to the input upscaled by nearest neighbour and learns only the"
                    + " missing detail (default: on; --no-sr-input-skip ends G in tanh instead)")
    Boolean srInputSkip;

    @Option(names = "--latent", paramLabel = "N", description = "latent size (default 100)")
    Integer latent;

    @Option(names = "--base-width", paramLabel = "N", description = "DCGAN base channel width (default 64)")
    Integer baseWidth;

    @Option(names = "--seed", paramLabel = "S", description = "seed of everything random (default 42)")
    Long seed;

    @Option(names = "--checkpoint-every", paramLabel = "R", description = "rounds between checkpoints (default 20)")
    Integer checkpointEvery;

    @Option(
            names = "--keep-checkpoints",
            paramLabel = "K",
            description = "checkpoints kept besides the best (default 3)")
    Integer keepCheckpoints;

    @Option(
            names = "--evaluate-every",
            paramLabel = "E",
            description = "evaluate every E checkpoints and mark the best by FID (default 1; 0 = never)")
    Integer evaluateEvery;

    @Option(
            names = "--evaluator",
            paramLabel = "URI",
            description = "evaluator to use (default: the dataset's _evaluator/, when it has one)")
    String evaluator;

    @Option(names = "--eval-samples", paramLabel = "M", description = "samples per evaluation (default 5000)")
    Integer evalSamples;

    @Option(
            names = "--on-collapse",
            paramLabel = "warn|rollback|stop",
            description = "on a suspected collapse (modes or recall falling, D loss near zero): warn (default),"
                    + " roll back to the best checkpoint with lower learning rates, or stop (exit code 3)")
    String onCollapse;

    @Option(
            names = "--collapse-min-modes",
            paramLabel = "SHARE",
            description = "collapse when modes covered / classes falls below this (default 0.8)")
    Double collapseMinModes;

    @Option(
            names = "--collapse-min-recall",
            paramLabel = "R",
            description = "collapse when recall falls below this (default 0.1)")
    Double collapseMinRecall;

    @Option(
            names = "--collapse-d-loss",
            paramLabel = "L",
            description = "collapse when D's loss stays below this (default 0.05) ...")
    Double collapseDLoss;

    @Option(names = "--collapse-patience", paramLabel = "N", description = "... for N evaluations in a row (default 2)")
    Integer collapsePatience;

    @Option(names = "--max-rollbacks", paramLabel = "N", description = "rollbacks allowed (default 2), then stop")
    Integer maxRollbacks;

    @Option(
            names = "--max-rejected-rounds",
            paramLabel = "N",
            description = "rounds with NaN/infinite losses or parameters that are redone at halved rates (default 3),"
                    + " then stop with exit code 4")
    Integer maxRejectedRounds;

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
                config = effectiveConfig(
                        new RunDirectory(config.runDir, spark.sparkContext().hadoopConfiguration()).storedConfig());
                config.validate();
            }
            master = new TrainingMaster(
                    spark,
                    config,
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

    /** The constant of {@code type} that an option's value names (any case), or an error naming the option. */
    private static <E extends Enum<E>> E choice(Class<E> type, String option, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " must be one of "
                    + java.util.Arrays.stream(type.getEnumConstants())
                            .map(c -> c.name().toLowerCase(java.util.Locale.ROOT))
                            .toList()
                    + ", got '" + value + "'");
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
        GanModelConfig model = config.model;
        if (data != null) config.data = data;
        if (normalClasses != null) config.normalClasses = normalClasses;
        if (runDir != null) config.runDir = runDir;
        if (workers != null) config.workers = workers;
        if (batchPerWorker != null) config.batchPerWorker = batchPerWorker;
        if (averagingEvery != null) config.averagingEvery = averagingEvery;
        if (kimg != null) config.kimg = kimg;
        if (epochs != null) config.epochs = epochs;
        if (seed != null) config.seed = seed;
        if (checkpointEvery != null) config.checkpointEvery = checkpointEvery;
        if (keepCheckpoints != null) config.keepCheckpoints = keepCheckpoints;
        if (evaluateEvery != null) config.evaluateEvery = evaluateEvery;
        if (evaluator != null) config.evaluator = evaluator;
        if (evalSamples != null) config.evalSamples = evalSamples;
        if (onCollapse != null) config.onCollapse = choice(TrainConfig.OnCollapse.class, "--on-collapse", onCollapse);
        if (collapseMinModes != null) config.collapseMinModeShare = collapseMinModes;
        if (collapseMinRecall != null) config.collapseMinRecall = collapseMinRecall;
        if (collapseDLoss != null) config.collapseDLoss = collapseDLoss;
        if (collapsePatience != null) config.collapsePatience = collapsePatience;
        if (maxRollbacks != null) config.maxRollbacks = maxRollbacks;
        if (maxRejectedRounds != null) config.maxRejectedRounds = maxRejectedRounds;
        if (lrG != null) model.lrG = lrG;
        if (lrD != null) model.lrD = lrD;
        if (architecture != null) model.architecture = architecture;
        if (loss != null) model.loss = GanLoss.ofFlag(loss);
        if (dSteps != null) model.dSteps = dSteps;
        if (pack != null) model.pack = pack;
        if (lrScaling != null) config.lrScaling = choice(TrainConfig.LrScaling.class, "--lr-scaling", lrScaling);
        if (conditional != null) model.conditional = conditional;
        if (conditioning != null) model.conditioning = GanModelConfig.Conditioning.ofFlag(conditioning);
        if (emaKimg != null) model.emaKimg = emaKimg;
        if (emaRampup != null) model.emaRampup = emaRampup;
        if (labelSmoothing != null) model.labelSmoothing = labelSmoothing;
        if (augment != null) model.augment = DiffAugment.parse(augment);
        if (latent != null) model.latentSize = latent;
        if (baseWidth != null) model.baseWidth = baseWidth;
        applySuperResolution(model);
        return config;
    }

    /** The srgan options, refused for any other model. */
    private void applySuperResolution(GanModelConfig model) {
        if (modelKind != null) {
            boolean superResolution = switch (modelKind.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "gan" -> false;
                case "srgan" -> true;
                default -> throw new IllegalArgumentException("--model must be gan or srgan, got '" + modelKind + "'");
            };
            if (superResolution) {
                model.architecture = GanModelConfig.Architecture.SRGAN;
            } else if (model.architecture == GanModelConfig.Architecture.SRGAN) {
                throw new IllegalArgumentException("--model gan: the configuration says SRGAN");
            }
        }
        if (model.architecture != GanModelConfig.Architecture.SRGAN) {
            boolean anyGiven = java.util.stream.Stream.of(
                            scale,
                            patch,
                            srBlocks,
                            srFeatures,
                            pixelLoss,
                            featureWeight,
                            adversarialWeight,
                            pretrainKimg,
                            srInputSkip)
                    .anyMatch(java.util.Objects::nonNull);
            if (anyGiven) {
                throw new IllegalArgumentException("--scale, --patch, --sr-blocks, --sr-features, --pixel-loss,"
                        + " --feature-weight, --adversarial-weight, --pretrain-kimg and --sr-input-skip need --model"
                        + " srgan");
            }
            return;
        }
        if (model.superResolution == null) {
            model.superResolution = new SuperResolutionConfig();
        }
        SuperResolutionConfig sr = model.superResolution;
        if (scale != null) sr.scale = scale;
        if (srBlocks != null) sr.blocks = srBlocks;
        if (srFeatures != null) sr.features = srFeatures;
        if (pixelLoss != null) sr.pixelLoss = choice(SuperResolutionConfig.PixelLoss.class, "--pixel-loss", pixelLoss);
        if (featureWeight != null) sr.featureWeight = featureWeight;
        if (adversarialWeight != null) sr.adversarialWeight = adversarialWeight;
        if (pretrainKimg != null) sr.pretrainKimg = pretrainKimg;
        if (srInputSkip != null) sr.inputSkip = srInputSkip;
        if (patch != null) {
            if (patch < 1) {
                throw new IllegalArgumentException("--patch must be >= 1, got " + patch);
            }
            model.height = patch;
            model.width = patch;
        }
    }
}
