package io.sparkgan.model.training;

import java.util.ArrayList;
import java.util.List;

/**
 * Watches the evaluations of a run for signs of collapse, the common failure of GAN training:
 * <ul>
 *   <li>mode coverage <em>falls</em> below a share of the classes (e.g. 8 of 10) after having reached it;</li>
 *   <li>recall <em>falls</em> below a floor after having reached it (the samples stop covering the data);</li>
 *   <li>D's loss stays near zero for several evaluations in a row (D wins outright and G gets no useful signal).</li>
 * </ul>
 * "Falls" matters: early in training coverage and recall are low because G has learned nothing yet, which is not a
 * collapse. The guard only judges; what to do (warn, roll back, stop) is the trainer's decision.
 */
public final class CollapseGuard {

    /**
     * @param minModeShare modes covered / classes below this (after reaching it) is a collapse
     * @param minRecall    recall below this (after reaching it) is a collapse
     * @param dLossFloor   D loss below this ...
     * @param patience     ... for this many evaluations in a row is a collapse
     */
    public record Thresholds(double minModeShare, double minRecall, double dLossFloor, int patience) {
        public static final Thresholds DEFAULTS = new Thresholds(0.8, 0.1, 0.05, 2);

        public Thresholds {
            if (minModeShare < 0
                    || minModeShare > 1
                    || minRecall < 0
                    || minRecall > 1
                    || dLossFloor < 0
                    || patience < 1) {
                throw new IllegalArgumentException("collapse thresholds: mode share and recall in [0, 1], D loss"
                        + " floor >= 0, patience >= 1; got " + minModeShare + ", " + minRecall + ", " + dLossFloor
                        + ", " + patience);
            }
        }
    }

    /** What one evaluation saw; {@code modesCovered}/{@code classes} null without classes. */
    public record Observation(Integer modesCovered, Integer classes, double recall, double dLoss) {}

    /** Whether the last observation looks like a collapse, and why (in words, with the figures). */
    public record Verdict(boolean collapsed, List<String> reasons) {}

    private final Thresholds thresholds;
    private int bestModes = -1;
    private double bestRecall = -1;
    private int lowDLossRun;

    public CollapseGuard(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    public Verdict observe(Observation o) {
        List<String> reasons = new ArrayList<>();
        if (o.modesCovered() != null && o.classes() != null && o.classes() > 0) {
            double share = o.modesCovered() / (double) o.classes();
            boolean reached = bestModes >= 0 && bestModes / (double) o.classes() >= thresholds.minModeShare();
            if (share < thresholds.minModeShare() && reached) {
                reasons.add(String.format(
                        "modes covered fell to %d of %d (it was %d)", o.modesCovered(), o.classes(), bestModes));
            }
            bestModes = Math.max(bestModes, o.modesCovered());
        }
        // a NaN recall would never compare below the floor, and max(best, NaN) would disable this rule for good
        boolean recallFell = !(o.recall() >= thresholds.minRecall());
        if (recallFell && bestRecall >= thresholds.minRecall()) {
            reasons.add(String.format("recall fell to %.3f (it was %.3f)", o.recall(), bestRecall));
        }
        if (Double.isFinite(o.recall())) {
            bestRecall = Math.max(bestRecall, o.recall());
        }
        lowDLossRun = o.dLoss() < thresholds.dLossFloor() ? lowDLossRun + 1 : 0;
        if (lowDLossRun >= thresholds.patience()) {
            reasons.add(String.format(
                    "D loss %.4f below %.4f for %d evaluations: D wins and G learns nothing",
                    o.dLoss(), thresholds.dLossFloor(), lowDLossRun));
        }
        return new Verdict(!reasons.isEmpty(), reasons);
    }

    /** After a rollback: the D-loss run starts again (the best figures stay, they are still the bar). */
    public void restart() {
        lowDLossRun = 0;
    }
}
