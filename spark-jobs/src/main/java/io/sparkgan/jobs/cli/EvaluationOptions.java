package io.sparkgan.jobs.cli;

import io.sparkgan.jobs.train.TrainConfig;
import picocli.CommandLine.Option;

/**
 * The options of train (and retrain) for evaluation while training, the collapse guard and the divergence check.
 * Each applies what was given, and only that, in {@link #applyTo}.
 */
final class EvaluationOptions {

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

    /** Sets the given options on {@code config}. */
    void applyTo(TrainConfig config) {
        if (evaluateEvery != null) config.evaluateEvery = evaluateEvery;
        if (evaluator != null) config.evaluator = evaluator;
        if (evalSamples != null) config.evalSamples = evalSamples;
        if (onCollapse != null)
            config.onCollapse = OptionValues.choice(TrainConfig.OnCollapse.class, "--on-collapse", onCollapse);
        if (collapseMinModes != null) config.collapseMinModeShare = collapseMinModes;
        if (collapseMinRecall != null) config.collapseMinRecall = collapseMinRecall;
        if (collapseDLoss != null) config.collapseDLoss = collapseDLoss;
        if (collapsePatience != null) config.collapsePatience = collapsePatience;
        if (maxRollbacks != null) config.maxRollbacks = maxRollbacks;
        if (maxRejectedRounds != null) config.maxRejectedRounds = maxRejectedRounds;
    }
}
