package io.sparkgan.jobs;

import io.sparkgan.data.PrepCommand;
import io.sparkgan.data.export.ExportCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sparkgan} command line: one driver main class for {@code bin/sparkgan} (Spark local mode by default)
 * and for {@code spark-submit --class io.sparkgan.jobs.SparkGanCli <app jar> <command> ...} on a cluster.
 */
@Command(
        name = "sparkgan",
        mixinStandardHelpOptions = true,
        versionProvider = SparkGanCli.Version.class,
        description = "Distributed GAN training on Apache Spark.",
        subcommands = {
            DemoCommand.class,
            PrepCommand.class,
            TrainCommand.class,
            EvaluatorCommand.class,
            EvaluateCommand.class,
            GenerateCommand.class,
            SampleCommand.class,
            ExportCommand.class,
            TrainEncoderCommand.class,
            ScoreCommand.class,
            UpscaleCommand.class,
            RetrainCommand.class,
            ReportCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class SparkGanCli implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return new CommandLine(new SparkGanCli()).execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SparkGanCli.class.getPackage().getImplementationVersion();
            return new String[] {"sparkgan " + (version == null ? "(development build)" : version)};
        }
    }
}
