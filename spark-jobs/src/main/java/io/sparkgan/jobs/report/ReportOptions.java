package io.sparkgan.jobs.report;

/**
 * How the report draws the per-round curves.
 *
 * @param smoothing weight of the exponential moving average the per-round curves are smoothed by, in [0, 1); 0: not
 *     smoothed
 * @param xAxis what the training and evaluation charts are drawn against
 */
public record ReportOptions(double smoothing, XAxis xAxis) {

    public static final ReportOptions DEFAULT = new ReportOptions(0, XAxis.KIMG);

    /** The x axis of the training and evaluation charts. */
    public enum XAxis {
        /** Thousands of real images shown. */
        KIMG,
        /** Training time: the rounds' and evaluations' seconds added up, pauses between starts left out. */
        TIME
    }

    public ReportOptions {
        if (!(smoothing >= 0 && smoothing < 1)) {
            throw new IllegalArgumentException("--smoothing must be at least 0 and below 1, got " + smoothing);
        }
        if (xAxis == null) {
            throw new IllegalArgumentException("--x-axis must be kimg or time");
        }
    }
}
