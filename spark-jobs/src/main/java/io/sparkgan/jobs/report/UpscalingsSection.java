package io.sparkgan.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.superres.Upscaling;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.Path;

/** The evaluated upscales made with this (super-resolution) run: G against bicubic, and the latest crops. */
final class UpscalingsSection implements ReportSection {

    @Override
    public String html(ReportContext context) throws IOException {
        List<JsonNode> lines = context.entries(Upscaling.EVALUATIONS_LOG);
        if (lines.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder("<h2>Upscaling, measured on held-out images</h2>\n<table><tr>")
                .append("<th>time</th><th>data</th><th>scale</th><th>checkpoint</th><th>images</th>")
                .append("<th>PSNR (dB): G / bicubic</th><th>SSIM: G / bicubic</th><th>FID: G / bicubic</th>")
                .append("<th>texture FID: G / bicubic</th><th>detail, of the originals': G / bicubic</th></tr>");
        for (JsonNode line : lines) {
            s.append("<tr>");
            for (String field : List.of("time", "data", "scale", "checkpoint", "images")) {
                s.append("<td>").append(Html.escape(line.path(field).asText())).append("</td>");
            }
            for (String metric : List.of("psnr", "ssim", "fid", "textureFid", "detail")) {
                JsonNode g = line.path("upscaler").path(metric);
                JsonNode b = line.path("bicubic").path(metric);
                // FIDs of upscales of the same images are small (0.001-0.04 on photographs): significant digits
                boolean fid = metric.equals("fid") || metric.equals("textureFid");
                s.append("<td>")
                        .append(
                                g.isMissingNode()
                                        ? ""
                                        : fid
                                                ? Html.significant(g.asDouble()) + " / "
                                                        + Html.significant(b.asDouble())
                                                : Html.fixed(g.asDouble(), 3) + " / " + Html.fixed(b.asDouble(), 3))
                        .append("</td>");
            }
            s.append("</tr>");
        }
        s.append("</table>\n");
        JsonNode latest = lines.get(lines.size() - 1);
        String output = latest.path("output").asText();
        s.append("<p>The latest (")
                .append(Html.escape(output))
                .append("), rows: low-res input, bicubic, G, original:</p>")
                .append(context.picture(
                        new Path(output, Upscaling.COMPARISON),
                        "held-out crops of " + latest.path("data").asText() + " upscaled x"
                                + latest.path("scale").asText()
                                + ", in rows: the low-res input, bicubic, G's upscale, the original",
                        640));
        return s.toString();
    }
}
