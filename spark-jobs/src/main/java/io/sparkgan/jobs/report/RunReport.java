package io.sparkgan.jobs.report;

import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.train.TrainConfig;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * {@code report.html}: a run on one self-contained page that opens offline and needs no JavaScript, assembled from
 * one {@link ReportSection} per part of a run: its identity ({@link RunSection}), the per-round curves
 * ({@link TrainingSection}), the evaluations ({@link EvaluationSection}) and the class mix
 * ({@link ClassMixSection}), an anomaly run's encoder ({@link EncoderSection}) and scorings
 * ({@link ScoringsSection}), a super-resolution run's upscales ({@link UpscalingsSection}), and the sample grids
 * beside real images ({@link SamplesSection}). Charts are JFreeChart PNGs and pictures are the run's own, all
 * inlined as data: URIs, so the file travels alone; every picture has an alt text saying what it shows.
 */
public final class RunReport {

    public static final String FILE = "report.html";

    /** In page order; a section with nothing to show for a run adds nothing. */
    static final List<ReportSection> SECTIONS = List.of(
            new RunSection(),
            new TrainingSection(),
            new EvaluationSection(),
            new ClassMixSection(),
            new EncoderSection(),
            new ScoringsSection(),
            new UpscalingsSection(),
            new SamplesSection());

    private static final String STYLE = "body{font-family:sans-serif;margin:24px;max-width:1500px;color:#222}"
            + "h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}"
            + "table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border:1px solid #ddd;"
            + "padding:3px 8px;text-align:left;vertical-align:top}td.num{text-align:right;"
            + "font-variant-numeric:tabular-nums}tr.best{font-weight:bold;background:#e8f5e9}"
            + "tr.warn{color:#b00}ol.starts{margin:0;padding-left:20px}code{font-size:12px;word-break:break-all}"
            + ".charts{display:flex;flex-wrap:wrap;gap:12px}.grids{display:flex;flex-wrap:wrap;gap:16px}"
            + "figure{margin:0}figcaption{font-size:13px}.warn{color:#b00}.note{font-size:13px;color:#555}";

    private final String runDir;
    private final Configuration conf;
    private final ReportOptions options;

    public RunReport(String runDir, Configuration conf) {
        this(runDir, conf, ReportOptions.DEFAULT);
    }

    public RunReport(String runDir, Configuration conf, ReportOptions options) {
        this.runDir = runDir;
        this.conf = conf;
        this.options = options;
    }

    /** Writes the report into the run directory (atomically); returns its path. */
    public String write() throws IOException {
        RunStorage storage = new RunStorage(runDir, conf);
        storage.writeAtomically(FILE, html());
        return storage.path(FILE).toString();
    }

    public String html() throws IOException {
        ReportContext context = new ReportContext(runDir, conf, options);
        String title = title(context);
        StringBuilder page = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>")
                .append(Html.escape(title))
                .append("</title>\n<style>")
                .append(STYLE)
                .append("</style></head><body>\n<h1>")
                .append(Html.escape(title))
                .append("</h1>\n");
        for (ReportSection section : SECTIONS) {
            page.append(section.html(context));
        }
        return page.append("</body></html>\n").toString();
    }

    /** E.g. "sparkgan report — k5-w1-s42: DCGAN_K5 on mnist-train". */
    static String title(ReportContext context) {
        TrainConfig config = context.config;
        return "sparkgan report — " + context.storage.root().getName() + ": " + config.model.architecture
                + (config.model.conditional ? " (conditional)" : "") + " on " + new Path(config.data).getName();
    }
}
