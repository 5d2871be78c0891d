package io.sparkgan.jobs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.charts.ChartPng;
import io.sparkgan.jobs.charts.LineChart;
import java.awt.Color;
import java.util.List;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;

/**
 * The charts of a run's evaluations (lines of {@code eval/metrics.jsonl}), as the run report draws them and as
 * {@code eval/metrics.png}, redrawn after each evaluation: FID with the best checkpoint marked, and precision,
 * recall, coverage and the share of modes covered (all in [0, 1]), collapse warnings and rollbacks marked on both. A
 * collapse shows at a glance: FID turns up while recall and modes fall.
 */
public final class MetricsChart {

    public static final Color BEST = new Color(0x2ca02c);
    public static final Color COLLAPSE = new Color(0xd62728);
    /** Not the colour of precision, the first line of the shares drawn below FID in {@link #png}. */
    private static final Color FID = new Color(0x333333);

    private static final int WIDTH = 900;
    private static final int HEIGHT = 640;

    private MetricsChart() {}

    /** {@code eval/metrics.png}: {@link #fid} above {@link #shares}, on one kimg axis. */
    public static byte[] png(List<JsonNode> evaluations) {
        double[] kimg = values(evaluations, "kimg");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis(LineChart.KIMG));
        plot.add(fid(evaluations, kimg).plot());
        plot.add(shares(evaluations, kimg).plot());
        return ChartPng.of(plot, "Evaluations", WIDTH, HEIGHT);
    }

    /** FID at {@code x} (kimg, or the time of each evaluation), the best checkpoint and collapses marked. */
    public static LineChart fid(List<JsonNode> evaluations, double[] x) {
        LineChart chart = new LineChart("FID against the real data", "FID (lower is better)")
                .line("FID", x, values(evaluations, "fid"), FID)
                .withPoints();
        int best = best(evaluations);
        if (best >= 0) {
            chart.marker(x[best], "best", BEST);
        }
        return markCollapses(chart, evaluations, x);
    }

    /** Precision, recall, coverage and, where measured, modes covered over classes, at {@code x}. */
    public static LineChart shares(List<JsonNode> evaluations, double[] x) {
        LineChart chart = new LineChart("Precision, recall, coverage", "share (higher is better)")
                .line("precision", x, values(evaluations, "precision"))
                .line("recall", x, values(evaluations, "recall"))
                .line("coverage", x, values(evaluations, "coverage"))
                .withPoints();
        if (evaluations.stream().allMatch(e -> e.hasNonNull("modesCovered"))) {
            double[] modes = values(evaluations, "modesCovered");
            double[] classes = values(evaluations, "classes");
            for (int i = 0; i < modes.length; i++) {
                modes[i] /= classes[i];
            }
            chart.line("modes covered / classes", x, modes);
        }
        return markCollapses(chart, evaluations, x);
    }

    /** The index of the best evaluation: the last marked best (a later best replaces an earlier one); -1: none. */
    public static int best(List<JsonNode> evaluations) {
        int best = -1;
        for (int i = 0; i < evaluations.size(); i++) {
            if (evaluations.get(i).path("best").asBoolean()) {
                best = i;
            }
        }
        return best;
    }

    private static LineChart markCollapses(LineChart chart, List<JsonNode> evaluations, double[] x) {
        for (int i = 0; i < evaluations.size(); i++) {
            JsonNode collapse = evaluations.get(i).path("collapse");
            if (!collapse.isMissingNode()) {
                chart.marker(x[i], collapse.path("action").asText(), COLLAPSE);
            }
        }
        return chart;
    }

    private static double[] values(List<JsonNode> lines, String field) {
        return lines.stream()
                .mapToDouble(l -> l.path(field).asDouble(Double.NaN))
                .toArray();
    }
}
