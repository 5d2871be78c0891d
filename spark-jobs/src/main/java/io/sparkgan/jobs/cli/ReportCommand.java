package io.sparkgan.jobs.cli;

import io.sparkgan.data.OutputFile;
import io.sparkgan.data.SparkOptions;
import io.sparkgan.data.SparkSessions;
import io.sparkgan.jobs.report.ReportOptions;
import io.sparkgan.jobs.report.RunReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkgan report}: a run as one self-contained HTML page ({@link RunReport}), so far if it still trains. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Writes a run's report: one HTML file that opens offline, without JavaScript.",
            "",
            "It shows the run's identity (id, starts with host and command line, duration, versions, the data's"
                    + " manifest), charts the losses, D's outputs, the speed and the evaluations with the best"
                    + " checkpoint and collapses marked, a table of every evaluation, the class mix of the samples"
                    + " against the data's, and the sample grids from step 0 on beside real images. A run that is"
                    + " still training is reported as far as it got. Training writes it at the end.",
            "",
            "Exit codes: 0 done, 2 bad options or input."
        })
public final class ReportCommand implements Callable<Integer> {

    @Mixin
    SparkOptions sparkOptions;

    @Option(names = "--run-dir", required = true, paramLabel = "URI", description = "the run")
    String runDir;

    @Option(
            names = "--output",
            paramLabel = "FILE",
            description = "a local file to write (default: report.html in the run directory)")
    Path output;

    @Option(
            names = "--smoothing",
            paramLabel = "W",
            description = "smooth the per-round curves by an exponential moving average of weight W in [0, 1), as"
                    + " TensorBoard does, the raw curve kept faint behind (default 0: not smoothed; 0.9 is strong)")
    double smoothing;

    @Option(
            names = "--x-axis",
            paramLabel = "AXIS",
            description = "what the training and evaluation charts are drawn against: kimg (thousands of real images"
                    + " shown, the default) or time (the rounds' and evaluations' seconds added up, pauses between"
                    + " starts left out)")
    String xAxis = "kimg";

    @Override
    public Integer call() {
        try {
            RunReport report = new RunReport(
                    runDir, SparkSessions.hadoopConfiguration(sparkOptions), new ReportOptions(smoothing, axis()));
            String written;
            if (output != null) {
                byte[] html = report.html().getBytes(StandardCharsets.UTF_8);
                OutputFile.write(output, out -> out.write(html));
                written = output.toString();
            } else {
                written = report.write();
            }
            System.out.println("report: " + written);
            return 0;
        } catch (Exception e) {
            return CommandErrors.report(e, sparkOptions.verbose);
        }
    }

    private ReportOptions.XAxis axis() {
        return switch (xAxis) {
            case "kimg" -> ReportOptions.XAxis.KIMG;
            case "time" -> ReportOptions.XAxis.TIME;
            default -> throw new IllegalArgumentException("--x-axis must be kimg or time, got '" + xAxis + "'");
        };
    }
}
