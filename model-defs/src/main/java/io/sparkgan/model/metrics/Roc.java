package io.sparkgan.model.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * How well a score separates anomalies (positives) from normal items: the ROC curve, the area under it (AUROC,
 * the probability that a random anomaly scores above a random normal item, ties counting half), average
 * precision, and the threshold that keeps the false-positive rate on normal items at a given level.
 */
public final class Roc {

    /** One point of the curve: the rates when everything scoring at least {@code threshold} is flagged. */
    public record Point(double threshold, double falsePositiveRate, double truePositiveRate) {}

    private final List<Point> curve;
    private final double auroc;
    private final double averagePrecision;

    private Roc(List<Point> curve, double auroc, double averagePrecision) {
        this.curve = curve;
        this.auroc = auroc;
        this.averagePrecision = averagePrecision;
    }

    /** @param anomalous true for the positives; at least one of each kind is needed */
    public static Roc of(double[] scores, boolean[] anomalous) {
        if (scores.length != anomalous.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + anomalous.length + " labels");
        }
        int positives = 0;
        for (boolean a : anomalous) {
            positives += a ? 1 : 0;
        }
        int negatives = scores.length - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("ROC needs anomalous and normal items; got " + positives
                    + " anomalous and " + negatives + " normal");
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));
        List<Point> curve = new ArrayList<>();
        curve.add(new Point(Double.POSITIVE_INFINITY, 0, 0));
        double area = 0;
        double precisionSum = 0;
        int truePositives = 0;
        int falsePositives = 0;
        for (int k = 0; k < order.length; ) {
            // all items tied at this score enter together
            double threshold = scores[order[k]];
            int tp = 0;
            int fp = 0;
            while (k < order.length && scores[order[k]] == threshold) {
                if (anomalous[order[k]]) {
                    tp++;
                } else {
                    fp++;
                }
                k++;
            }
            // trapezoid: ties between positives and negatives count half
            area += (double) fp / negatives * (truePositives + tp / 2.0) / positives;
            truePositives += tp;
            falsePositives += fp;
            precisionSum += tp * ((double) truePositives / (truePositives + falsePositives));
            curve.add(new Point(threshold, (double) falsePositives / negatives, (double) truePositives / positives));
        }
        return new Roc(List.copyOf(curve), area, precisionSum / positives);
    }

    public List<Point> curve() {
        return curve;
    }

    public double auroc() {
        return auroc;
    }

    public double averagePrecision() {
        return averagePrecision;
    }

    /**
     * The lowest threshold whose false-positive rate is at most {@code rate} (flag scores at or above it), and the
     * true-positive rate it gives.
     */
    public Point thresholdAt(double rate) {
        Point chosen = curve.get(0);
        for (Point p : curve) {
            if (p.falsePositiveRate() <= rate) {
                chosen = p;
            }
        }
        return chosen;
    }
}
