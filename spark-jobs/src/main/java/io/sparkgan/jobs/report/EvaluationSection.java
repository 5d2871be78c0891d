package io.sparkgan.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.charts.LineChart;
import io.sparkgan.jobs.eval.MetricsChart;
import java.util.ArrayList;
import java.util.List;

/**
 * The evaluations during training: FID and the shares (precision, recall, coverage, modes) as charts with the best
 * checkpoint and collapses marked, a table of every evaluation, and the collapse warnings and rollbacks.
 */
final class EvaluationSection implements ReportSection {

    @Override
    public String html(ReportContext context) {
        List<JsonNode> evaluations = context.evaluations;
        StringBuilder s = new StringBuilder("<h2>Evaluation</h2>\n");
        if (evaluations.isEmpty()) {
            return s.append("<p>No evaluations in this run (no evaluator, or --evaluate-every 0).</p>\n")
                    .toString();
        }
        double[] x = context.evaluationX();
        LineChart fid = MetricsChart.fid(evaluations, x).xAxis(context.xAxisTitle());
        LineChart shares = MetricsChart.shares(evaluations, x).xAxis(context.xAxisTitle());
        int best = MetricsChart.best(evaluations);
        String bestText = best < 0
                ? "no checkpoint marked best. "
                : String.format(
                        "best %s at %s kimg (step %d). ",
                        LineChart.number(evaluations.get(best).path("fid").asDouble()),
                        LineChart.number(evaluations.get(best).path("kimg").asDouble()),
                        evaluations.get(best).path("step").asLong());
        s.append("<div class=\"charts\">")
                .append(context.image(fid, "FID, " + bestText + context.describe(fid)))
                .append(context.image(shares))
                .append("</div>\n");
        s.append(table(evaluations, best));
        List<String> events = new ArrayList<>();
        for (JsonNode e : evaluations) {
            JsonNode collapse = e.path("collapse");
            if (!collapse.isMissingNode()) {
                events.add(String.format(
                        "%s kimg (step %d): %s — %s",
                        LineChart.number(e.get("kimg").asDouble()),
                        e.get("step").asLong(),
                        action(collapse),
                        String.join("; ", texts(collapse.path("reasons")))));
            }
        }
        if (!events.isEmpty()) {
            s.append("<p class=\"warn\">Collapse warnings and rollbacks:</p><ul class=\"warn\">");
            events.forEach(e -> s.append("<li>").append(Html.escape(e)).append("</li>"));
            s.append("</ul>\n");
        }
        return s.toString();
    }

    /** One row per evaluation; the best checkpoint's row marked, a collapse's action named. */
    private static String table(List<JsonNode> evaluations, int best) {
        StringBuilder s = new StringBuilder("<table class=\"evaluations\"><tr><th>step</th><th>kimg</th>")
                .append("<th>FID</th><th>KID &plusmn; std</th><th>precision</th><th>recall</th><th>density</th>")
                .append("<th>coverage</th><th>modes</th><th>class KL</th><th></th></tr>\n");
        for (int i = 0; i < evaluations.size(); i++) {
            JsonNode e = evaluations.get(i);
            JsonNode collapse = e.path("collapse");
            String note = i == best ? "best" : "";
            if (!collapse.isMissingNode()) {
                note = (note.isEmpty() ? "" : note + "; ") + action(collapse);
            }
            s.append(i == best ? "<tr class=\"best\">" : collapse.isMissingNode() ? "<tr>" : "<tr class=\"warn\">");
            cell(s, e.path("step").asText());
            cell(s, LineChart.number(e.path("kimg").asDouble(Double.NaN)));
            cell(s, Html.fixed(e.path("fid").asDouble(Double.NaN), 2));
            cell(
                    s,
                    e.has("kid")
                            ? Html.fixed(e.path("kid").asDouble(), 3) + " ± "
                                    + Html.fixed(e.path("kidStd").asDouble(Double.NaN), 3)
                            : "");
            for (String share : List.of("precision", "recall", "density", "coverage")) {
                cell(s, Html.fixed(e.path(share).asDouble(Double.NaN), 3));
            }
            cell(
                    s,
                    e.hasNonNull("modesCovered")
                            ? e.get("modesCovered").asText() + "/"
                                    + e.path("classes").asText()
                            : "");
            cell(s, Html.fixed(e.path("classKl").asDouble(Double.NaN), 3));
            s.append("<td>").append(Html.escape(note)).append("</td></tr>\n");
        }
        return s.append("</table>\n").toString();
    }

    private static void cell(StringBuilder s, String text) {
        s.append("<td class=\"num\">").append(Html.escape(text)).append("</td>");
    }

    private static String action(JsonNode collapse) {
        return collapse.path("action").asText()
                + (collapse.has("rollbackTo")
                        ? " to step " + collapse.get("rollbackTo").asLong()
                        : "");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
