package io.sparkgan.jobs.anomaly;

import io.sparkgan.jobs.charts.ChartPng;
import java.awt.Color;
import java.io.IOException;
import java.util.Arrays;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.statistics.HistogramType;

/**
 * The distribution of anomaly scores as a PNG: one histogram of the normal images' scores and, where the classes
 * say which images are anomalous, one of theirs over the same bins, as shares of each group so that a small
 * anomalous group stays visible. The less the two overlap, the better the scores separate them.
 */
final class ScoreHistogram {

    private static final int BINS = 40;

    private ScoreHistogram() {}

    /** {@code anomalous}: which scores are of anomalous images, or null when that is not known. */
    static byte[] png(double[] scores, boolean[] anomalous, String title) throws IOException {
        double low = Arrays.stream(scores).min().orElse(0);
        double high = Math.max(Arrays.stream(scores).max().orElse(1), low + 1e-9);
        HistogramDataset data = new HistogramDataset();
        data.setType(HistogramType.RELATIVE_FREQUENCY);
        if (anomalous == null) {
            data.addSeries("all images", scores, BINS, low, high);
        } else {
            for (boolean which : new boolean[] {false, true}) {
                double[] group = select(scores, anomalous, which);
                if (group.length > 0) {
                    data.addSeries(which ? "anomalous images" : "normal images", group, BINS, low, high);
                }
            }
        }
        XYBarRenderer renderer = new XYBarRenderer();
        renderer.setBarPainter(new StandardXYBarPainter());
        renderer.setShadowVisible(false);
        renderer.setSeriesPaint(0, new Color(0x1f, 0x77, 0xb4, 150));
        renderer.setSeriesPaint(1, new Color(0xd6, 0x27, 0x28, 150));
        NumberAxis scoreAxis = new NumberAxis("anomaly score");
        scoreAxis.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(data, scoreAxis, new NumberAxis("share of the group's images"), renderer);
        return ChartPng.of(plot, title, 640, 420);
    }

    private static double[] select(double[] scores, boolean[] anomalous, boolean which) {
        double[] selected = new double[scores.length];
        int n = 0;
        for (int i = 0; i < scores.length; i++) {
            if (anomalous[i] == which) {
                selected[n++] = scores[i];
            }
        }
        return Arrays.copyOf(selected, n);
    }
}
