package io.sparkgan.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.charts.LineChart;
import java.io.IOException;
import java.util.List;

/** An anomaly run's f-AnoGAN encoder: its losses per round, against kimg (its rounds have no times). */
final class EncoderSection implements ReportSection {

    static final String LOG = "encoder/metrics.jsonl";

    @Override
    public String html(ReportContext context) throws IOException {
        List<JsonNode> lines = context.entries(LOG);
        if (lines.isEmpty()) {
            return "";
        }
        double[] kimg = ReportContext.values(lines, "kimg");
        LineChart chart = new LineChart("Encoder loss", "loss (mean per round)")
                .line("A_R + kappa A_D", kimg, ReportContext.values(lines, "loss"))
                .line("image residual A_R", kimg, ReportContext.values(lines, "imageResidual"))
                .line("feature residual A_D", kimg, ReportContext.values(lines, "featureResidual"))
                .smoothed(context.options.smoothing());
        return "<h2>Anomaly detection: the f-AnoGAN encoder</h2>\n<div class=\"charts\">"
                + context.image(chart, chart.description("kimg", "kimg")) + "</div>\n";
    }
}
