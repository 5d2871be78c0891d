package io.sparkgan.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.anomaly.AnomalyScoring;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/** The anomaly scorings made with this run: a table, and the latest one's ROC, score distribution, extremes. */
final class ScoringsSection implements ReportSection {

    /** What each of the latest scoring's pictures shows, for its alt text. */
    private static final Map<String, String> PICTURES = Map.of(
            AnomalyScoring.ROC, "ROC curve of the anomaly scores: true against false positive rate",
            AnomalyScoring.DISTRIBUTION, "distribution of the anomaly scores of normal and anomalous images",
            AnomalyScoring.EXTREMES_GRID, "the images with the highest and the lowest anomaly scores");

    @Override
    public String html(ReportContext context) throws IOException {
        List<JsonNode> lines = context.entries(AnomalyScoring.SCORINGS_LOG);
        if (lines.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder("<h2>Anomaly scores</h2>\n<table><tr><th>time</th><th>data</th>")
                .append("<th>method</th><th>images</th><th>AUROC</th><th>average precision</th><th>output</th></tr>");
        for (JsonNode line : lines) {
            s.append("<tr>");
            for (String field : List.of("time", "data", "method", "images", "auroc", "averagePrecision", "output")) {
                JsonNode value = line.path(field);
                s.append("<td>")
                        .append(Html.escape(
                                value.isMissingNode()
                                        ? ""
                                        : value.isDouble() ? Html.fixed(value.asDouble(), 4) : value.asText()))
                        .append("</td>");
            }
            s.append("</tr>");
        }
        s.append("</table>\n");
        JsonNode latest = lines.get(lines.size() - 1);
        String output = latest.path("output").asText();
        s.append("<p>The latest scoring (").append(Html.escape(output)).append("):</p><div class=\"charts\">");
        for (String picture : List.of(AnomalyScoring.ROC, AnomalyScoring.DISTRIBUTION, AnomalyScoring.EXTREMES_GRID)) {
            String alt = PICTURES.get(picture) + " (" + latest.path("data").asText() + ", "
                    + latest.path("method").asText() + ")";
            s.append(context.picture(new Path(output, picture), alt, 480));
        }
        return s.append("</div>\n").toString();
    }
}
