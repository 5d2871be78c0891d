package io.sparkgan.jobs;

import io.sparkgan.data.OutputFile;
import io.sparkgan.data.SparkOptions;
import io.sparkgan.data.SparkSessions;
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
            "It charts the losses, D's outputs, the evaluations with the best checkpoint and collapses"
                    + " marked, the speed and the sample timeline. A run that is still training is reported as far as"
                    + " it got. Training writes it at the end.",
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

    @Override
    public Integer call() {
        try {
            RunReport report = new RunReport(runDir, SparkSessions.hadoopConfiguration(sparkOptions));
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
}
