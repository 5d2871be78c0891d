package io.sparkgan.jobs.registry;

import io.sparkgan.model.metrics.SampleMetrics;

/**
 * Whether a retrained candidate replaces the champion, from their metrics under the same evaluation: it must have a
 * FID lower than the champion's by more than {@code fidMargin}, and pass every floor set (modes covered as a share
 * of the classes, recall). Without a champion only the floors apply. Each decision says why.
 *
 * @param fidMargin how much lower the candidate's FID must be (0: any lower)
 * @param minModeShare modes covered / classes at least this (labelled data; 0 = no floor)
 * @param minRecall recall at least this (0 = no floor)
 */
public record Promotion(double fidMargin, double minModeShare, double minRecall) {

    public static final Promotion DEFAULTS = new Promotion(0, 0, 0);

    public Promotion {
        if (!(fidMargin >= 0) || !(minModeShare >= 0 && minModeShare <= 1) || !(minRecall >= 0 && minRecall <= 1)) {
            throw new IllegalArgumentException("--fid-margin must be >= 0, --min-mode-share and --min-recall in [0, 1];"
                    + " got " + fidMargin + ", " + minModeShare + ", " + minRecall);
        }
    }

    /** The decision and its reason. */
    public record Decision(boolean promote, String reason) {}

    public Decision decide(SampleMetrics candidate, SampleMetrics champion) {
        if (!Double.isFinite(candidate.fid())) {
            return new Decision(false, "the candidate's FID is not finite (" + candidate.fid() + ")");
        }
        if (minModeShare > 0 && candidate.modesCovered() != null && candidate.classes() != null) {
            double share = (double) candidate.modesCovered() / candidate.classes();
            if (share < minModeShare) {
                return new Decision(
                        false,
                        String.format(
                                "the candidate covers %d of %d modes, below the floor of %.2f",
                                candidate.modesCovered(), candidate.classes(), minModeShare));
            }
        }
        if (minRecall > 0 && !(candidate.recall() >= minRecall)) {
            return new Decision(
                    false,
                    String.format(
                            "the candidate's recall %.4f is below the floor %.4f", candidate.recall(), minRecall));
        }
        if (champion == null) {
            return new Decision(true, String.format("no champion yet; the candidate's FID is %.3f", candidate.fid()));
        }
        if (candidate.fid() < champion.fid() - fidMargin) {
            return new Decision(
                    true,
                    String.format(
                            "FID %.3f against the champion's %.3f (margin %.3f)",
                            candidate.fid(), champion.fid(), fidMargin));
        }
        return new Decision(
                false,
                String.format(
                        "FID %.3f is not below the champion's %.3f by more than the margin %.3f",
                        candidate.fid(), champion.fid(), fidMargin));
    }
}
