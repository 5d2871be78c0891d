package io.sparkgan.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.data.SparkOptions;
import io.sparkgan.jobs.registry.ModelRegistry;
import io.sparkgan.model.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sparkgan outcome}: how the last train of a run, or retrain of an alias, ended, with its exit code, for a
 * scheduler that submitted it in cluster deploy mode, where spark-submit does not carry the driver's exit code.
 */
@Command(
        name = "outcome",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Prints how the last train or retrain ended and exits with that command's exit code.",
            "",
            "It reads the outcome.json of the last train of --run-dir, or of the last retrain of --registry's"
                    + " --alias: after spark-submit --deploy-mode cluster, whose own exit code does not say."
                    + " --expect-name checks that it is the outcome of the application submitted with that --name.",
            "",
            "Exit codes: 0 and the others of the train or retrain it reports (see their --help), 2 bad"
                    + " options, no outcome there, or with --expect-name the outcome of another application (an older"
                    + " run's)."
        })
public final class OutcomeCommand implements Callable<Integer> {

    @Mixin
    SparkOptions sparkOptions;

    @Option(names = "--run-dir", paramLabel = "URI", description = "a training run: its outcome.json")
    String runDir;

    @Option(names = "--registry", paramLabel = "URI", description = "a registry: outcomes/<alias>.json")
    String registry;

    @Option(names = "--alias", paramLabel = "NAME", description = "with --registry: which alias (default champion)")
    String alias;

    @Option(
            names = "--expect-name",
            paramLabel = "NAME",
            description = "the application name the outcome must carry (given to spark-submit --name or --name):"
                    + " exit 2 when it is another's, an older run's")
    String expectName;

    @Override
    public Integer call() {
        try {
            if ((runDir == null) == (registry == null)) {
                throw new IllegalArgumentException("give one of --run-dir and --registry");
            }
            if (alias != null && registry == null) {
                throw new IllegalArgumentException("--alias goes with --registry");
            }
            JsonNode outcome = runDir != null
                    ? Outcome.read(runDir, Outcome.RUN_FILE, sparkOptions)
                    : Outcome.read(
                            registry,
                            Outcome.REGISTRY_DIR + "/" + ModelRegistry.checkAlias(alias != null ? alias : "champion")
                                    + ".json",
                            sparkOptions);
            if (expectName != null && !expectName.equals(outcome.path("name").asText(null))) {
                throw new IllegalArgumentException("the outcome there is of application '"
                        + outcome.path("name").asText() + "' (ended "
                        + outcome.path("finishedAt").asText()
                        + "), not of '" + expectName
                        + "': that one has not ended there, or ended before it could tell");
            }
            System.out.println(Json.MAPPER.writeValueAsString(outcome));
            return outcome.get("exitCode").asInt();
        } catch (Exception e) {
            return CommandErrors.report(e, sparkOptions.verbose);
        }
    }
}
