package io.sparkgan.jobs.cli;

import io.sparkgan.data.PrepCommand;
import io.sparkgan.data.export.ExportCommand;
import io.sparkgan.jobs.run.SparkganVersion;
import java.io.PrintWriter;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkUserAppException;
import org.deeplearning4j.util.CrashReportingUtil;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sparkgan} command line: one driver main class for {@code bin/sparkgan} (Spark local mode by default)
 * and for {@code spark-submit --class io.sparkgan.jobs.cli.SparkGanCli <app jar> <command> ...} on a cluster.
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
            FetchCommand.class,
            FeaturesCommand.class,
            ServeCommand.class,
            TrainEncoderCommand.class,
            ScoreCommand.class,
            UpscaleCommand.class,
            RetrainCommand.class,
            ReportCommand.class,
            OutcomeCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class SparkGanCli implements Runnable {

    public static void main(String[] args) throws SparkUserAppException {
        int code = run(args);
        SparkConf conf = new SparkConf();
        if (!"cluster".equals(conf.get("spark.submit.deployMode", "client"))) {
            System.exit(code);
        }
        // In cluster deploy mode no exit code reaches the scheduler: it reads outcome.json (sparkgan outcome). What
        // the cluster manager records is succeeded or failed, and a retrain that kept the old model succeeded.
        boolean succeeded = code == 0 || code == RetrainCommand.KEPT;
        if (conf.get("spark.master", "").startsWith("yarn")) {
            // YARN's ApplicationMaster counts System.exit before main returns as a failure (EXIT_EARLY), even exit 0,
            // and may run the application again; it records a SparkUserAppException's code as the failure's.
            if (!succeeded) {
                throw SparkUserAppException.apply(code);
            }
            return;
        }
        // standalone: the worker marks the driver FINISHED on exit 0 and FAILED otherwise (relaunched under
        // --supervise); its DriverWrapper would also wait for every non-daemon thread if main just returned
        System.exit(succeeded ? 0 : code);
    }

    /** Runs a command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        // DL4J writes a memory crash dump into the working directory when a network runs out of memory; the
        // commands report that themselves, and a user's directory is no place for it
        CrashReportingUtil.crashDumpsEnabled(false);
        CommandLine cli = new CommandLine(new SparkGanCli());
        cli.setParameterExceptionHandler(SparkGanCli::reportParameterError);
        for (CommandLine command : cli.getSubcommands().values()) {
            command.getCommandSpec().usageMessage().optionListHeading("%nOptions:%n");
        }
        RetrainCommand.arrangeHelp(cli.getSubcommands().get("retrain"));
        return cli.execute(args);
    }

    /**
     * A command line picocli cannot parse (an unknown option, a missing or malformed value): one line as for any
     * other error, and where the help is, instead of the whole usage.
     */
    private static int reportParameterError(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        // picocli checks the required options before the unknown ones, but a misspelt option explains a missing one
        if (!(e instanceof CommandLine.UnmatchedArgumentException)
                && !command.getUnmatchedArguments().isEmpty()) {
            e = new CommandLine.UnmatchedArgumentException(command, command.getUnmatchedArguments());
        }
        PrintWriter err = command.getErr();
        err.println("error: " + e.getMessage());
        String help = "'" + command.getCommandSpec().qualifiedName() + " --help'";
        List<String> suggestions =
                e instanceof CommandLine.UnmatchedArgumentException unmatched ? unmatched.getSuggestions() : List.of();
        err.println(
                suggestions.isEmpty()
                        ? "try " + help
                        : "did you mean " + String.join(" or ", suggestions) + "? see " + help);
        err.flush();
        return CommandErrors.FAILED;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sparkgan " + SparkganVersion.get()};
        }
    }
}
