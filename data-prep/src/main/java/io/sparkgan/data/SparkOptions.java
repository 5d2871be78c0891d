package io.sparkgan.data;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command that runs Spark takes, as one picocli mixin. */
public final class SparkOptions {

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Spark master (default: spark-submit's, else " + SparkSessions.LOCAL_MASTER + ")")
    public String master;

    @Option(
            names = "--conf",
            paramLabel = "KEY=VALUE",
            description = "a Spark setting, as spark-submit's --conf (repeatable; spark.hadoop.* for storage);"
                    + " wins over spark-submit's")
    public Map<String, String> conf = new LinkedHashMap<>();

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "the Spark application's name, shown by the Spark UI and the cluster manager and kept in"
                    + " outcome.json (default: spark-submit's --name, else 'sparkgan <command>')")
    public String name;

    @Option(names = "--verbose", description = "print stack traces of errors")
    public boolean verbose;
}
