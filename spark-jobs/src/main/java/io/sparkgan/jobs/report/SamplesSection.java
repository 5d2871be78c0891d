package io.sparkgan.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.charts.LineChart;
import io.sparkgan.jobs.run.RunDirectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * The sample grids: real images beside the latest grid, then the timeline from step 0 (before any training) on. A
 * conditional run's grids have a row per class; a super-resolution run's show low-res, bicubic, G and the original.
 */
final class SamplesSection implements ReportSection {

    /** Sample grids shown at most, spread evenly over the run (the first and the last always). */
    static final int TIMELINE = 8;
    /** A sample grid's name: its step (zero-padded by SampleGridWriter), at most 18 digits so that it fits a long. */
    private static final Pattern GRID = Pattern.compile("\\d{1,18}\\.png");

    private static final String PIXELATED = "image-rendering:pixelated";

    @Override
    public String html(ReportContext context) throws IOException {
        Path folder = context.storage.path(RunDirectory.SAMPLES);
        StringBuilder s = new StringBuilder("<h2>Samples</h2>\n");
        if (!context.storage.fs().exists(folder)) {
            return s.append("<p>No sample grids yet.</p>\n").toString();
        }
        List<FileStatus> files = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (FileStatus file : context.storage.fs().listStatus(folder)) {
            String name = file.getPath().getName();
            if (GRID.matcher(name).matches()) {
                files.add(file);
            } else if (!name.startsWith(".")) {
                // a picture someone saved here; hidden names are files being written
                others.add(name);
            }
        }
        files.sort(Comparator.comparingLong(SamplesSection::step));
        Collections.sort(others);
        Map<Long, Double> kimg = kimgByStep(context);
        Path real = context.storage.path(RunDirectory.REAL_GRID);
        if (!files.isEmpty() && context.storage.fs().exists(real)) {
            FileStatus last = files.get(files.size() - 1);
            s.append("<p>Real images of ")
                    .append(Html.escape(context.config.data))
                    .append(" beside the latest samples, laid out alike")
                    .append(context.config.model.conditional ? " (a row per class)" : "")
                    .append(":</p>\n<div class=\"grids\">")
                    .append(figure(
                            context.read(real),
                            "real images of " + dataName(context) + ", laid out as the sample grids",
                            "real images",
                            400))
                    .append(figure(
                            context.read(last.getPath()),
                            "the latest samples, " + caption(last, kimg) + ", beside the real images",
                            caption(last, kimg),
                            400))
                    .append("</div>\n");
        }
        int shown = Math.min(TIMELINE, files.size());
        s.append("<p>The same inputs at every checkpoint, from step 0 before any training (")
                .append(files.size())
                .append(" grids; ")
                .append(shown)
                .append(" shown, the last one largest).</p>\n");
        if (!others.isEmpty()) {
            s.append("<p>Left out as not a sample grid (not named &lt;step&gt;.png): ")
                    .append(Html.escape(String.join(", ", others)))
                    .append("</p>\n");
        }
        s.append("<div class=\"grids\">");
        for (int k = 0; k < shown; k++) {
            int index = shown == 1 ? 0 : (int) Math.round((double) k * (files.size() - 1) / (shown - 1));
            FileStatus file = files.get(index);
            s.append(figure(
                    context.read(file.getPath()),
                    alt(file, kimg),
                    caption(file, kimg),
                    index == files.size() - 1 ? 400 : 200));
        }
        return s.append("</div>\n").toString();
    }

    private static String figure(byte[] png, String alt, String caption, int width) {
        return "<figure>" + Html.image(png, alt, "style=\"width:" + width + "px;" + PIXELATED + "\"") + "<figcaption>"
                + Html.escape(caption) + "</figcaption></figure>";
    }

    private static String alt(FileStatus grid, Map<Long, Double> kimg) {
        long step = step(grid);
        return "samples at step " + step
                + (step == 0
                        ? ", before any training"
                        : kimg.containsKey(step) ? " (" + LineChart.number(kimg.get(step)) + " kimg)" : "")
                + ", the same inputs as every grid";
    }

    private static String caption(FileStatus grid, Map<Long, Double> kimg) {
        long step = step(grid);
        return "step " + step
                + (step == 0
                        ? ", before training"
                        : kimg.containsKey(step) ? ", " + LineChart.number(kimg.get(step)) + " kimg" : "");
    }

    private static Map<Long, Double> kimgByStep(ReportContext context) {
        Map<Long, Double> kimg = new HashMap<>();
        for (JsonNode round : context.rounds) {
            kimg.put(round.path("step").asLong(), round.path("kimg").asDouble());
        }
        return kimg;
    }

    private static String dataName(ReportContext context) {
        return new Path(context.config.data).getName();
    }

    /** The step of a sample grid, named {@code <step>.png} ({@link #GRID}). */
    private static long step(FileStatus file) {
        String name = file.getPath().getName();
        return Long.parseLong(name.substring(0, name.length() - ".png".length()));
    }
}
