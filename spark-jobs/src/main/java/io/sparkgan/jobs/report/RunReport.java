package io.sparkgan.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.jobs.anomaly.AnomalyScoring;
import io.sparkgan.jobs.superres.Upscaling;
import io.sparkgan.jobs.train.MetricsLog;
import io.sparkgan.jobs.train.RunDirectory;
import io.sparkgan.jobs.train.RunStorage;
import io.sparkgan.jobs.train.TrainConfig;
import java.awt.Color;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * {@code report.html}: a run on one self-contained page that opens offline and needs no JavaScript: the config and
 * the dataset, D's and G's losses and D's outputs over kimg, every evaluation metric over kimg with the best
 * checkpoint and collapse warnings and rollbacks marked, images per second and where each round's time went, the
 * timeline of sample grids (a conditional run's grids have a row per class, a super-resolution run's show low-res,
 * bicubic, G and the original), the encoder's loss for an anomaly run, the anomaly scorings made with it (ROC,
 * score distributions, the extremes) and the evaluated upscales of a super-resolution run (PSNR, SSIM and FID
 * against bicubic, crops side by side). Charts are JFreeChart PNGs and pictures
 * are the run's own, all inlined as data: URIs, so the file travels alone.
 */
public final class RunReport {

    public static final String FILE = "report.html";
    /** Sample grids shown at most, spread evenly over the run (the first and the last always). */
    static final int TIMELINE = 8;
    /** A sample grid's name: its step (zero-padded by SampleGridWriter), at most 18 digits so that it fits a long. */
    private static final Pattern GRID = Pattern.compile("\\d{1,18}\\.png");

    private static final int CHART_WIDTH = 640;
    private static final int CHART_HEIGHT = 320;
    private static final Color BEST = new Color(0x2ca02c);
    private static final Color COLLAPSE = new Color(0xd62728);

    private final RunStorage storage;
    private final Configuration conf;

    public RunReport(String runDir, Configuration conf) {
        this.storage = new RunStorage(runDir, conf);
        this.conf = conf;
    }

    /** Writes the report into the run directory (atomically); returns its path. */
    public String write() throws IOException {
        storage.writeAtomically(FILE, html());
        return storage.path(FILE).toString();
    }

    public String html() throws IOException {
        TrainConfig config = new RunDirectory(storage.root().toString(), conf).storedConfig();
        List<JsonNode> rounds = entries(RunDirectory.TRAIN_LOG);
        List<JsonNode> evaluations = entries(RunDirectory.EVAL_LOG);
        StringBuilder page = new StringBuilder();
        String title = "sparkgan run " + storage.root().getName();
        page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(escape(title))
                .append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:24px;max-width:1500px;color:#222}")
                .append("h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}")
                .append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;")
                .append("text-align:left}.charts{display:flex;flex-wrap:wrap;gap:12px}")
                .append(".grids{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}figcaption{font-size:13px}")
                .append(".warn{color:#b00}</style></head><body>\n");
        page.append("<h1>").append(escape(title)).append("</h1>\n");
        page.append(summary(config, rounds, evaluations));
        page.append("<h2>Training</h2>\n<div class=\"charts\">");
        double[] kimg = values(rounds, "kimg");
        page.append(chart(new LineChart("Losses", "loss (mean per round)")
                .line("D loss", kimg, values(rounds, "dLoss"))
                .line("G loss", kimg, values(rounds, "gLoss"))));
        page.append(chart(new LineChart("D's outputs", "mean D output (probability of real)")
                .line("D(x), real images", kimg, values(rounds, "dReal"))
                .line("D(G(z)), generated", kimg, values(rounds, "dFake"))));
        if (rounds.stream().anyMatch(r -> r.has("pixelLoss"))) {
            page.append(chart(new LineChart("Content loss", "pixel loss (mean per round)")
                    .line("pixel loss", kimg, values(rounds, "pixelLoss"))));
        }
        page.append(chart(new LineChart("Speed", "images per second")
                .line("images/s (whole round)", kimg, values(rounds, "imagesPerSecond"))));
        page.append(chart(new LineChart("Where a round's time went", "seconds per round")
                .line("whole round", kimg, values(rounds, "seconds"))
                .line("training steps (slowest worker)", kimg, values(rounds, "stepSeconds"))
                .line("waiting for input", kimg, values(rounds, "inputWaitSeconds"))
                .line("state transfer", kimg, values(rounds, "stateSeconds"))));
        page.append("</div>\n");
        page.append(evaluation(evaluations));
        page.append(encoder());
        page.append(scorings());
        page.append(upscalings());
        page.append(samples());
        page.append("</body></html>\n");
        return page.toString();
    }

    private String summary(TrainConfig config, List<JsonNode> rounds, List<JsonNode> evaluations) {
        StringBuilder s = new StringBuilder("<h2>Run</h2>\n<table>");
        JsonNode last = rounds.isEmpty() ? null : rounds.get(rounds.size() - 1);
        row(s, "data", config.data);
        row(
                s,
                "model",
                config.model.architecture
                        + (config.model.conditional ? ", conditional" : "")
                        + (config.model.superResolution != null ? ", x" + config.model.superResolution.scale : ""));
        row(
                s,
                "workers",
                config.workers + " (" + config.batchPerWorker + " images per step each, averaged every "
                        + config.averagingEvery + " steps)");
        row(s, "budget", config.kimg + " kimg");
        row(
                s,
                "progress",
                last == null
                        ? "no round yet"
                        : String.format(
                                "round %d, step %d, %.1f kimg",
                                last.get("round").asLong() + 1,
                                last.get("step").asLong(),
                                last.get("kimg").asDouble()));
        JsonNode best = bestEvaluation(evaluations);
        row(
                s,
                "best checkpoint",
                best == null
                        ? "none marked (no evaluation)"
                        : String.format(
                                "step %d (%.1f kimg): FID %.2f",
                                best.get("step").asLong(),
                                best.get("kimg").asDouble(),
                                best.get("fid").asDouble()));
        try {
            DatasetManifest manifest = DatasetManifest.read(config.data, conf);
            row(
                    s,
                    "dataset",
                    manifest.count() + " images of " + manifest.shape() + ", "
                            + (manifest.labelled() ? manifest.numClasses() + " classes" : "unlabelled"));
        } catch (RuntimeException e) {
            row(s, "dataset", "(its manifest cannot be read here: " + e.getMessage() + ")");
        }
        s.append("</table>\n<details><summary>full configuration (run.json)</summary><pre>")
                .append(escape(config.toJson()))
                .append("</pre></details>\n");
        return s.toString();
    }

    private String evaluation(List<JsonNode> evaluations) {
        StringBuilder s = new StringBuilder("<h2>Evaluation</h2>\n");
        if (evaluations.isEmpty()) {
            return s.append("<p>No evaluations in this run (no evaluator, or --evaluate-every 0).</p>\n")
                    .toString();
        }
        double[] kimg = values(evaluations, "kimg");
        LineChart fid = new LineChart("FID against the real data", "FID (lower is better)")
                .line("FID", kimg, values(evaluations, "fid"))
                .withPoints();
        LineChart shares = new LineChart("Precision, recall, coverage", "share (higher is better)")
                .line("precision", kimg, values(evaluations, "precision"))
                .line("recall", kimg, values(evaluations, "recall"))
                .line("coverage", kimg, values(evaluations, "coverage"))
                .withPoints();
        if (evaluations.stream().allMatch(e -> e.hasNonNull("modesCovered"))) {
            double[] modes = values(evaluations, "modesCovered");
            double[] classes = values(evaluations, "classes");
            for (int i = 0; i < modes.length; i++) {
                modes[i] /= classes[i];
            }
            shares.line("modes covered / classes", kimg, modes);
        }
        JsonNode best = bestEvaluation(evaluations);
        if (best != null) {
            fid.marker(best.get("kimg").asDouble(), "best", BEST);
        }
        List<String> events = new ArrayList<>();
        for (JsonNode e : evaluations) {
            JsonNode collapse = e.path("collapse");
            if (!collapse.isMissingNode()) {
                String action = collapse.path("action").asText();
                fid.marker(e.get("kimg").asDouble(), action, COLLAPSE);
                shares.marker(e.get("kimg").asDouble(), action, COLLAPSE);
                events.add(String.format(
                        "%.1f kimg (step %d): %s%s — %s",
                        e.get("kimg").asDouble(),
                        e.get("step").asLong(),
                        action,
                        collapse.has("rollbackTo")
                                ? " to step " + collapse.get("rollbackTo").asLong()
                                : "",
                        String.join("; ", texts(collapse.path("reasons")))));
            }
        }
        s.append("<div class=\"charts\">")
                .append(chart(fid))
                .append(chart(shares))
                .append("</div>\n");
        if (!events.isEmpty()) {
            s.append("<p class=\"warn\">Collapse warnings and rollbacks:</p><ul class=\"warn\">");
            events.forEach(e -> s.append("<li>").append(escape(e)).append("</li>"));
            s.append("</ul>\n");
        }
        return s.toString();
    }

    private String encoder() throws IOException {
        List<JsonNode> lines = entries("encoder/metrics.jsonl");
        if (lines.isEmpty()) {
            return "";
        }
        double[] kimg = values(lines, "kimg");
        return "<h2>Anomaly detection: the f-AnoGAN encoder</h2>\n<div class=\"charts\">"
                + chart(new LineChart("Encoder loss", "loss (mean per round)")
                        .line("A_R + kappa A_D", kimg, values(lines, "loss"))
                        .line("image residual A_R", kimg, values(lines, "imageResidual"))
                        .line("feature residual A_D", kimg, values(lines, "featureResidual")))
                + "</div>\n";
    }

    /** The anomaly scorings made with this run: a table, and the latest one's ROC, score distribution, extremes. */
    private String scorings() throws IOException {
        List<JsonNode> lines = entries(AnomalyScoring.SCORINGS_LOG);
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
                        .append(escape(
                                value.isMissingNode()
                                        ? ""
                                        : value.isDouble() ? fixed(value.asDouble(), 4) : value.asText()))
                        .append("</td>");
            }
            s.append("</tr>");
        }
        s.append("</table>\n");
        String output = lines.get(lines.size() - 1).path("output").asText();
        s.append("<p>The latest scoring (").append(escape(output)).append("):</p><div class=\"charts\">");
        for (String picture : List.of(AnomalyScoring.ROC, AnomalyScoring.DISTRIBUTION, AnomalyScoring.EXTREMES_GRID)) {
            s.append(picture(new Path(output, picture), picture, 480));
        }
        return s.append("</div>\n").toString();
    }

    /** The evaluated upscales made with this (super-resolution) run: G against bicubic, and the latest crops. */
    private String upscalings() throws IOException {
        List<JsonNode> lines = entries(Upscaling.EVALUATIONS_LOG);
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
                s.append("<td>").append(escape(line.path(field).asText())).append("</td>");
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
                                                ? significant(g.asDouble()) + " / " + significant(b.asDouble())
                                                : fixed(g.asDouble(), 3) + " / " + fixed(b.asDouble(), 3))
                        .append("</td>");
            }
            s.append("</tr>");
        }
        s.append("</table>\n");
        String output = lines.get(lines.size() - 1).path("output").asText();
        s.append("<p>The latest (")
                .append(escape(output))
                .append("), rows: low-res input, bicubic, G, original:</p>")
                .append(picture(new Path(output, Upscaling.COMPARISON), "low-res, bicubic, G and original", 640));
        return s.toString();
    }

    /** An image file inlined, or a note where it is missing (an output deleted since). */
    private String picture(Path path, String alt, int width) throws IOException {
        if (!path.getFileSystem(conf).exists(path)) {
            return "<p>(" + escape(path.toString()) + " is missing)</p>";
        }
        return "<figure><img alt=\"" + escape(alt) + "\" style=\"width:" + width + "px\" src=\"data:image/png;base64,"
                + base64(path) + "\"></figure>";
    }

    private static String significant(double value) {
        return String.format("%.3g", value);
    }

    private static String fixed(double value, int digits) {
        return String.format("%." + digits + "f", value);
    }

    private String samples() throws IOException {
        Path folder = storage.path("samples");
        StringBuilder s = new StringBuilder("<h2>Samples</h2>\n");
        if (!storage.fs().exists(folder)) {
            return s.append("<p>No sample grids yet.</p>\n").toString();
        }
        List<FileStatus> files = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (FileStatus file : storage.fs().listStatus(folder)) {
            String name = file.getPath().getName();
            if (GRID.matcher(name).matches()) {
                files.add(file);
            } else if (!name.startsWith(".")) {
                // a picture someone saved here; hidden names are files being written
                others.add(name);
            }
        }
        files.sort(Comparator.comparingLong(RunReport::step));
        Collections.sort(others);
        s.append("<p>The same inputs at every checkpoint (")
                .append(files.size())
                .append(" grids; ")
                .append(Math.min(TIMELINE, files.size()))
                .append(" shown, the last one largest).</p>\n");
        if (!others.isEmpty()) {
            s.append("<p>Left out as not a sample grid (not named &lt;step&gt;.png): ")
                    .append(escape(String.join(", ", others)))
                    .append("</p>\n");
        }
        s.append("<div class=\"grids\">");
        int shown = Math.min(TIMELINE, files.size());
        for (int k = 0; k < shown; k++) {
            int index = shown == 1 ? 0 : (int) Math.round((double) k * (files.size() - 1) / (shown - 1));
            FileStatus file = files.get(index);
            boolean lastOne = index == files.size() - 1;
            s.append("<figure><img alt=\"samples at step ")
                    .append(step(file))
                    .append("\" style=\"width:")
                    .append(lastOne ? 400 : 200)
                    .append("px;image-rendering:pixelated\" ")
                    .append("src=\"data:image/png;base64,")
                    .append(base64(file.getPath()))
                    .append("\">")
                    .append("<figcaption>step ")
                    .append(step(file))
                    .append("</figcaption></figure>");
        }
        return s.append("</div>\n").toString();
    }

    /** The step of a sample grid, named {@code <step>.png} ({@link #GRID}). */
    private static long step(FileStatus file) {
        String name = file.getPath().getName();
        return Long.parseLong(name.substring(0, name.length() - ".png".length()));
    }

    private String base64(Path path) throws IOException {
        try (InputStream in = path.getFileSystem(conf).open(path)) {
            return Base64.getEncoder().encodeToString(in.readAllBytes());
        }
    }

    private static String chart(LineChart chart) {
        if (chart.isEmpty()) {
            return "";
        }
        return "<img alt=\"chart\" width=\"" + CHART_WIDTH + "\" height=\"" + CHART_HEIGHT
                + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(chart.png(CHART_WIDTH, CHART_HEIGHT)) + "\">";
    }

    private List<JsonNode> entries(String relative) throws IOException {
        return MetricsLog.existing(storage, relative).entries();
    }

    private static JsonNode bestEvaluation(List<JsonNode> evaluations) {
        JsonNode best = null;
        for (JsonNode e : evaluations) {
            if (e.path("best").asBoolean()) {
                best = e;
            }
        }
        return best;
    }

    private static double[] values(List<JsonNode> lines, String field) {
        return lines.stream()
                .mapToDouble(l -> l.path(field).asDouble(Double.NaN))
                .toArray();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void row(StringBuilder s, String name, String value) {
        s.append("<tr><th>")
                .append(escape(name))
                .append("</th><td>")
                .append(escape(value))
                .append("</td></tr>");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
