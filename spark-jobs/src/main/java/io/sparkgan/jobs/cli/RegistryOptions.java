package io.sparkgan.jobs.cli;

import io.sparkgan.jobs.registry.ModelRegistry;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/**
 * {@code --registry URI [--alias NAME]}: the model a registry promotes, in place of {@code --run-dir} and
 * {@code --checkpoint}, so that a pipeline never names a run by hand (see {@code sparkgan retrain}).
 */
final class RegistryOptions {

    @Option(
            names = "--registry",
            paramLabel = "URI",
            description = "use the model a registry promotes under --alias instead of --run-dir and --checkpoint")
    String registry;

    @Option(names = "--alias", paramLabel = "NAME", description = "with --registry: which alias (default champion)")
    String alias;

    /** A run directory and checkpoint. */
    record Model(String runDir, String checkpoint) {}

    /** {@code runDir} and {@code checkpoint} as given, or the registry alias's; an error for both or neither. */
    Model resolve(Configuration conf, String runDir, String checkpoint) throws IOException {
        if (registry == null) {
            if (alias != null) {
                throw new IllegalArgumentException("--alias goes with --registry");
            }
            if (runDir == null) {
                throw new IllegalArgumentException("give --run-dir or --registry");
            }
            return new Model(runDir, checkpoint);
        }
        if (runDir != null || checkpoint != null) {
            throw new IllegalArgumentException(
                    "--registry names the run and checkpoint: leave out --run-dir and" + " --checkpoint");
        }
        String name = ModelRegistry.checkAlias(alias != null ? alias : "champion");
        ModelRegistry.Entry entry = ModelRegistry.existing(registry, conf).require(name);
        return new Model(entry.run(), Long.toString(entry.checkpoint()));
    }
}
