package io.sparkgan.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.charts.ChartPng;
import io.sparkgan.jobs.charts.LineChart;
import io.sparkgan.jobs.eval.MetricsChart;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The classes G makes against the data's: each evaluation counts its samples per class as the evaluator classifies
 * them ({@code classCounts}); the real shares are the manifest's exact counts (of the normal classes only where the
 * run trained on those). "10/10 modes" can hide a class made at a third of its share: the bars, the ratio over the
 * run and the table show it.
 */
final class ClassMixSection implements ReportSection {

    private static final Color REAL = new Color(0x7f7f7f);

    @Override
    public String html(ReportContext context) {
        List<JsonNode> evaluations = context.evaluations.stream()
                .filter(e -> e.path("classCounts").isArray()
                        && !e.path("classCounts").isEmpty())
                .toList();
        if (evaluations.isEmpty()) {
            return "";
        }
        int classes =
                evaluations.get(evaluations.size() - 1).path("classCounts").size();
        double[] real = realShares(context, classes);
        List<String> names = names(context, classes);
        StringBuilder s = new StringBuilder("<h2>Class mix: generated against real</h2>\n<p>");
        if (real == null) {
            s.append("The real shares are unknown: ")
                    .append(Html.escape(
                            context.manifest == null
                                    ? "the dataset's manifest cannot be read here (" + context.manifestProblem + ")"
                                    : "the dataset's manifest has no class counts for " + classes + " classes"))
                    .append(". ");
        }
        s.append("The generated shares are the evaluator's classification of each evaluation's samples.</p>\n");
        JsonNode latest = evaluations.get(evaluations.size() - 1);
        int bestIndex = MetricsChart.best(evaluations);
        JsonNode best = bestIndex < 0 ? null : evaluations.get(bestIndex);
        if (real != null) {
            s.append("<p>").append(Html.escape(extremes(latest, real, names))).append("</p>\n");
        }
        s.append("<div class=\"charts\">").append(bars(latest, best, real, names));
        if (real != null && evaluations.size() > 1) {
            s.append(ratios(context, evaluations, real, names));
        }
        s.append("</div>\n").append(table(evaluations, bestIndex, real, names));
        return s.toString();
    }

    /** The manifest's share of each class; null where unknown or not for these classes. */
    private static double[] realShares(ReportContext context, int classes) {
        if (context.manifest == null
                || context.manifest.classCounts() == null
                || context.manifest.classCounts().size() != classes) {
            return null;
        }
        double[] shares = new double[classes];
        double total = 0;
        for (int c = 0; c < classes; c++) {
            boolean trained = context.config.normalClasses == null || context.config.normalClasses.contains(c);
            shares[c] = trained ? context.manifest.classCounts().get(c) : 0;
            total += shares[c];
        }
        for (int c = 0; c < classes; c++) {
            shares[c] /= total;
        }
        return shares;
    }

    private static List<String> names(ReportContext context, int classes) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            List<String> labels = context.manifest == null ? null : context.manifest.labelNames();
            names.add(labels != null && labels.size() == classes ? labels.get(c) : Integer.toString(c));
        }
        return names;
    }

    private static double[] shares(JsonNode evaluation) {
        JsonNode counts = evaluation.path("classCounts");
        double total = 0;
        for (JsonNode count : counts) {
            total += count.asDouble();
        }
        double[] shares = new double[counts.size()];
        for (int c = 0; c < shares.length; c++) {
            shares[c] = total > 0 ? counts.get(c).asDouble() / total : Double.NaN;
        }
        return shares;
    }

    /** The classes furthest below and above their real share at the latest evaluation, in words. */
    private static String extremes(JsonNode latest, double[] real, List<String> names) {
        double[] generated = shares(latest);
        int under = -1;
        int over = -1;
        for (int c = 0; c < real.length; c++) {
            if (real[c] <= 0) {
                continue;
            }
            if (under < 0 || generated[c] / real[c] < generated[under] / real[under]) {
                under = c;
            }
            if (over < 0 || generated[c] / real[c] > generated[over] / real[over]) {
                over = c;
            }
        }
        return String.format(
                Locale.ROOT,
                "At the latest evaluation (step %d, %s kimg) the class furthest below its real share is %s: %s of the"
                        + " samples against %s of the data; the furthest above is %s: %s against %s.",
                latest.path("step").asLong(),
                LineChart.number(latest.path("kimg").asDouble()),
                names.get(under),
                Html.percent(generated[under]),
                Html.percent(real[under]),
                names.get(over),
                Html.percent(generated[over]),
                Html.percent(real[over]));
    }

    /** Grouped bars per class: the real share, the latest evaluation's, the best one's where it is another. */
    private static String bars(JsonNode latest, JsonNode best, double[] real, List<String> names) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<Color> colours = new ArrayList<>();
        List<String> alt = new ArrayList<>();
        if (real != null) {
            add(data, "real (the dataset's manifest)", real, names);
            colours.add(REAL);
        }
        String latestName = "latest: step " + latest.path("step").asLong();
        add(data, latestName, shares(latest), names);
        colours.add(new Color(0x1f77b4));
        if (best != null && best != latest) {
            add(data, "best: step " + best.path("step").asLong(), shares(best), names);
            colours.add(MetricsChart.BEST);
        }
        for (int c = 0; c < names.size(); c++) {
            StringBuilder text = new StringBuilder("class " + names.get(c) + " ");
            for (int series = 0; series < data.getRowCount(); series++) {
                text.append(series == 0 ? "" : ", ")
                        .append(Html.percent(data.getValue(series, c).doubleValue() / 100))
                        .append(' ')
                        .append(data.getRowKey(series).toString().replaceAll(" \\(.*\\)", ""));
            }
            alt.add(text.toString());
        }
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        for (int i = 0; i < colours.size(); i++) {
            renderer.setSeriesPaint(i, colours.get(i));
        }
        CategoryPlot plot =
                new CategoryPlot(data, new CategoryAxis("class"), new NumberAxis("share of images (%)"), renderer);
        byte[] png = ChartPng.of(plot, "Share of each class", ReportContext.CHART_WIDTH, ReportContext.CHART_HEIGHT);
        return Html.image(
                png,
                "Share of each class, real against generated: " + String.join("; ", alt),
                "width=\"" + ReportContext.CHART_WIDTH + "\" height=\"" + ReportContext.CHART_HEIGHT + "\"");
    }

    private static void add(DefaultCategoryDataset data, String series, double[] shares, List<String> names) {
        for (int c = 0; c < names.size(); c++) {
            data.addValue(100 * shares[c], series, names.get(c));
        }
    }

    /** Each class's generated share over its real share, at every evaluation: 1 is the data's mix. */
    private static String ratios(ReportContext context, List<JsonNode> evaluations, double[] real, List<String> names) {
        double[] x = context.evaluationX(evaluations);
        LineChart chart = context.chart(
                        "Generated share / real share, per class", "generated / real (1: as in the data)")
                .withPoints();
        double[][] ratio = new double[real.length][evaluations.size()];
        for (int e = 0; e < evaluations.size(); e++) {
            double[] generated = shares(evaluations.get(e));
            for (int c = 0; c < real.length; c++) {
                ratio[c][e] = real[c] > 0 ? generated[c] / real[c] : Double.NaN;
            }
        }
        for (int c = 0; c < real.length; c++) {
            if (real[c] > 0) {
                chart.line(names.get(c), x, ratio[c]);
            }
        }
        return context.image(chart);
    }

    /** Every evaluation's generated shares, each cell tinted by how far it is from the real share. */
    private static String table(List<JsonNode> evaluations, int best, double[] real, List<String> names) {
        StringBuilder s = new StringBuilder("<table class=\"classes\"><tr><th>step</th><th>kimg</th>");
        names.forEach(n -> s.append("<th>").append(Html.escape(n)).append("</th>"));
        s.append("</tr>\n");
        if (real != null) {
            s.append("<tr><th colspan=\"2\">real</th>");
            for (double share : real) {
                s.append("<td class=\"num\">").append(Html.percent(share)).append("</td>");
            }
            s.append("</tr>\n");
        }
        for (int e = 0; e < evaluations.size(); e++) {
            JsonNode evaluation = evaluations.get(e);
            s.append(e == best ? "<tr class=\"best\">" : "<tr>")
                    .append("<td class=\"num\">")
                    .append(evaluation.path("step").asLong())
                    .append("</td><td class=\"num\">")
                    .append(LineChart.number(evaluation.path("kimg").asDouble()))
                    .append("</td>");
            double[] generated = shares(evaluation);
            for (int c = 0; c < generated.length; c++) {
                s.append("<td class=\"num\"");
                if (real != null && real[c] > 0) {
                    s.append(" style=\"background:")
                            .append(tint(generated[c] / real[c]))
                            .append('"');
                }
                s.append('>').append(Html.percent(generated[c])).append("</td>");
            }
            s.append("</tr>\n");
        }
        return s.append("</table>\n<p class=\"note\">Red: made less often than in the data (the deeper, the rarer,")
                .append(" full at a third of its share or less); blue: more often.</p>\n")
                .toString();
    }

    /** Red below the real share, blue above, the deeper the further (full at a ratio of 1/3 or 3). */
    private static String tint(double ratio) {
        double depth = Math.min(1, Math.abs(Math.log(ratio)) / Math.log(3));
        String colour = ratio < 1 ? "214,39,40" : "31,119,180";
        return String.format(Locale.ROOT, "rgba(%s,%.2f)", colour, 0.6 * depth);
    }
}
