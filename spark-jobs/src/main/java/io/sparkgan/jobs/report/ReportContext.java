package io.sparkgan.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.jobs.charts.LineChart;
import io.sparkgan.jobs.run.MetricsLog;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.train.TrainConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * What the sections of a report share: the run directory, its run.json, config and logs, the dataset's manifest,
 * the options, and the x axis the training and evaluation charts are drawn against.
 */
final class ReportContext {

    static final int CHART_WIDTH = 640;
    static final int CHART_HEIGHT = 320;

    final RunStorage storage;
    final Configuration conf;
    /** run.json: id, creation, versions, starts. */
    final JsonNode run;

    final TrainConfig config;
    final List<JsonNode> rounds;
    final List<JsonNode> evaluations;
    /** The dataset's manifest; null where it cannot be read here ({@link #manifestProblem} says why). */
    final DatasetManifest manifest;

    final String manifestProblem;
    final ReportOptions options;
    private final Map<String, List<JsonNode>> logs = new HashMap<>();
    private final TrainingTime time;

    ReportContext(String runDir, Configuration conf, ReportOptions options) throws IOException {
        RunDirectory directory = new RunDirectory(runDir, conf);
        this.storage = directory.storage();
        this.conf = conf;
        this.options = options;
        this.run = directory.storedRun();
        this.config = TrainConfig.storedIn(directory);
        this.rounds = entries(RunDirectory.TRAIN_LOG);
        this.evaluations = entries(RunDirectory.EVAL_LOG);
        DatasetManifest read = null;
        String problem = null;
        try {
            read = DatasetManifest.read(config.data, conf);
        } catch (RuntimeException e) {
            problem = e.getMessage();
        }
        this.manifest = read;
        this.manifestProblem = problem;
        this.time = new TrainingTime(rounds, evaluations);
    }

    /** The lines of a JSON-lines log of the run (none where it is missing), read once. */
    List<JsonNode> entries(String relative) throws IOException {
        List<JsonNode> lines = logs.get(relative);
        if (lines == null) {
            lines = MetricsLog.existing(storage, relative).entries();
            logs.put(relative, lines);
        }
        return lines;
    }

    /** The rounds' x values on the chosen axis: kimg, or the training time at the end of each round. */
    double[] roundX() {
        return options.xAxis() == ReportOptions.XAxis.TIME ? time.afterRounds() : values(rounds, "kimg");
    }

    /** The evaluations' x values on the chosen axis. */
    double[] evaluationX() {
        return options.xAxis() == ReportOptions.XAxis.TIME ? time.afterEvaluations() : values(evaluations, "kimg");
    }

    /** The x values of some of the evaluations (those that measured something), in their order. */
    double[] evaluationX(List<JsonNode> some) {
        double[] all = evaluationX();
        return some.stream().mapToDouble(e -> all[evaluations.indexOf(e)]).toArray();
    }

    /** A chart drawn against the chosen axis: its x axis titled. */
    LineChart chart(String title, String yLabel) {
        return new LineChart(title, yLabel).xAxis(xAxisTitle());
    }

    String xAxisTitle() {
        return options.xAxis() == ReportOptions.XAxis.TIME ? time.axisTitle() : LineChart.KIMG;
    }

    /** What a chart drawn against the chosen axis shows, for its alt text. */
    String describe(LineChart chart) {
        boolean kimg = options.xAxis() == ReportOptions.XAxis.KIMG;
        return chart.description(kimg ? "kimg" : "training time", kimg ? "kimg" : time.unit());
    }

    /** A chart inlined, its alt text saying what it shows; "" for a chart with no points. */
    String image(LineChart chart) {
        return image(chart, describe(chart));
    }

    String image(LineChart chart, String alt) {
        if (chart.isEmpty()) {
            return "";
        }
        return Html.image(
                chart.png(CHART_WIDTH, CHART_HEIGHT),
                alt,
                "width=\"" + CHART_WIDTH + "\" height=\"" + CHART_HEIGHT + "\"");
    }

    /** An image file inlined, or a note where it is missing (an output deleted since). */
    String picture(Path path, String alt, int width) throws IOException {
        if (!path.getFileSystem(conf).exists(path)) {
            return "<p>(" + Html.escape(path.toString()) + " is missing)</p>";
        }
        return "<figure>" + Html.image(read(path), alt, "style=\"width:" + width + "px\"") + "</figure>";
    }

    byte[] read(Path path) throws IOException {
        try (InputStream in = path.getFileSystem(conf).open(path)) {
            return in.readAllBytes();
        }
    }

    static double[] values(List<JsonNode> lines, String field) {
        return lines.stream()
                .mapToDouble(l -> l.path(field).asDouble(Double.NaN))
                .toArray();
    }
}
