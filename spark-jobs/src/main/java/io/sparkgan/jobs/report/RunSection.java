package io.sparkgan.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.jobs.charts.LineChart;
import io.sparkgan.jobs.eval.MetricsChart;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.train.TrainConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The run's identity and where it stands: its id, creation, every start (host, command line), the last round,
 * durations, versions, the data and its manifest, the model and budget, the progress and the best checkpoint, and
 * the full configuration. What older runs did not record says so.
 */
final class RunSection implements ReportSection {

    static final String NOT_RECORDED = "not recorded";

    @Override
    public String html(ReportContext context) {
        TrainConfig config = context.config;
        JsonNode run = context.run;
        StringBuilder s = new StringBuilder("<h2>Run</h2>\n<table class=\"identity\">");
        Html.row(s, "run", context.storage.root().toString());
        Html.row(s, "run id", text(run.path("runId")));
        Html.row(s, "created", text(run.path("createdAt")));
        s.append("<tr><th>starts</th><td>").append(starts(run.path("starts"))).append("</td></tr>");
        Instant lastRound = lastRoundEnded(context, run);
        Html.row(
                s,
                "last round ended",
                lastRound == null
                        ? context.rounds.isEmpty() ? "no round yet" : NOT_RECORDED
                        : lastRound + " (the last start and the seconds of its rounds and evaluations)");
        Html.row(s, "duration", duration(context, run, lastRound));
        Html.row(s, "versions", versions(run.path("versions")));
        Html.row(s, "data", config.data);
        Html.row(s, "dataset", dataset(context));
        Html.row(
                s,
                "model",
                config.model.architecture
                        + (config.model.conditional ? ", conditional" : "")
                        + (config.model.superResolution != null ? ", x" + config.model.superResolution.scale : ""));
        Html.row(
                s,
                "workers",
                config.workers + " (" + config.batchPerWorker + " images per step each, averaged every "
                        + config.averagingEvery + " steps)");
        Html.row(s, "budget", config.kimg + " kimg");
        JsonNode last = context.rounds.isEmpty() ? null : context.rounds.get(context.rounds.size() - 1);
        Html.row(
                s,
                "progress",
                last == null
                        ? "no round yet"
                        : String.format(
                                "round %d, step %d, %s kimg",
                                last.get("round").asLong() + 1,
                                last.get("step").asLong(),
                                LineChart.number(last.get("kimg").asDouble())));
        int best = MetricsChart.best(context.evaluations);
        JsonNode bestLine = best < 0 ? null : context.evaluations.get(best);
        Html.row(
                s,
                "best checkpoint",
                bestLine == null
                        ? "none marked (no evaluation)"
                        : String.format(
                                "step %d (%s kimg): FID %.2f",
                                bestLine.get("step").asLong(),
                                LineChart.number(bestLine.get("kimg").asDouble()),
                                bestLine.get("fid").asDouble()));
        s.append("</table>\n");
        if (context.manifest != null) {
            s.append("<details><summary>the dataset's manifest (")
                    .append(Html.escape(DatasetManifest.FILE_NAME))
                    .append(")</summary><pre>")
                    .append(Html.escape(context.manifest.describe(config.data)))
                    .append("</pre></details>\n");
        }
        s.append("<details><summary>full configuration (")
                .append(RunDirectory.RUN_JSON)
                .append(")</summary><pre>")
                .append(Html.escape(config.toJson()))
                .append("</pre></details>\n");
        return s.toString();
    }

    /** Each start: when, from which round and checkpoint, on which host, by which command line. */
    private static String starts(JsonNode starts) {
        if (!starts.isArray() || starts.isEmpty()) {
            return NOT_RECORDED;
        }
        StringBuilder s = new StringBuilder("<ol class=\"starts\">");
        for (JsonNode start : starts) {
            s.append("<li>")
                    .append(Html.escape(text(start.path("at"))))
                    .append(": ")
                    .append(Html.escape(
                            start.has("fromCheckpoint")
                                    ? "from checkpoint "
                                            + start.get("fromCheckpoint").asLong()
                                            + (start.has("warmStartFrom")
                                                    ? " of "
                                                            + start.get("warmStartFrom")
                                                                    .asText() + " (a warm start)"
                                                    : "")
                                            + ", round "
                                            + start.path("firstRound").asLong()
                                    : "from round " + start.path("firstRound").asLong()))
                    .append("; host ")
                    .append(Html.escape(text(start.path("host"))))
                    .append("<br>command line: ")
                    .append(
                            start.hasNonNull("commandLine")
                                    ? "<code>"
                                            + Html.escape(
                                                    start.get("commandLine").asText()) + "</code>"
                                    : NOT_RECORDED)
                    .append("</li>");
        }
        return s.append("</ol>").toString();
    }

    /**
     * When the last round ended, from the logs (a copied run directory keeps them, not its files' times): the last
     * start's time and the seconds of the rounds and evaluations since; null without rounds or a recorded start.
     */
    private static Instant lastRoundEnded(ReportContext context, JsonNode run) {
        JsonNode starts = run.path("starts");
        if (context.rounds.isEmpty() || !starts.isArray() || starts.isEmpty()) {
            return null;
        }
        JsonNode start = starts.get(starts.size() - 1);
        long firstRound = start.path("firstRound").asLong();
        double seconds = 0;
        for (List<JsonNode> lines : List.of(context.rounds, context.evaluations)) {
            for (JsonNode line : lines) {
                if (line.path("round").asLong() >= firstRound) {
                    seconds += line.path("seconds").asDouble(0);
                }
            }
        }
        try {
            return Instant.parse(start.path("at").asText())
                    .plusMillis(Math.round(seconds * 1000))
                    .truncatedTo(ChronoUnit.SECONDS);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** From creation to the last round (pauses included), and the time of the rounds and evaluations themselves. */
    private static String duration(ReportContext context, JsonNode run, Instant lastRound) {
        double seconds = 0;
        for (List<JsonNode> lines : List.of(context.rounds, context.evaluations)) {
            for (JsonNode line : lines) {
                seconds += line.path("seconds").asDouble(0);
            }
        }
        String working = readable(Duration.ofMillis(Math.round(seconds * 1000))) + " of rounds and evaluations";
        try {
            if (lastRound == null || !run.hasNonNull("createdAt")) {
                return working;
            }
            Duration wall = Duration.between(Instant.parse(run.get("createdAt").asText()), lastRound);
            return readable(wall) + " from creation to the last round; " + working;
        } catch (DateTimeParseException e) {
            return working;
        }
    }

    static String readable(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds >= 3600) {
            return String.format("%d h %02d min", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format("%d min %02d s", seconds / 60, seconds % 60);
    }

    private static String versions(JsonNode versions) {
        return "sparkgan " + text(versions.path("sparkgan")) + ", Spark " + text(versions.path("spark")) + ", DL4J "
                + text(versions.path("dl4j")) + " (ND4J backend " + text(versions.path("nd4jBackend")) + "), Java "
                + text(versions.path("java"));
    }

    private static String dataset(ReportContext context) {
        DatasetManifest manifest = context.manifest;
        if (manifest == null) {
            return "(its manifest cannot be read here: " + context.manifestProblem + ")";
        }
        return manifest.count() + " images of " + manifest.shape() + ", "
                + (manifest.labelled() ? manifest.numClasses() + " classes" : "unlabelled")
                + (manifest.source() != null ? "; made from " + manifest.source() : "")
                + (manifest.createdAt() != null ? " at " + manifest.createdAt() : "");
    }

    /** A recorded value, or {@link #NOT_RECORDED} where an older run has none. */
    private static String text(JsonNode value) {
        return value.isMissingNode() || value.isNull() ? NOT_RECORDED : value.asText();
    }
}
