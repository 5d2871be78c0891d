package io.sparkgan.data;

import picocli.CommandLine.Option;

/** The options every command that runs Spark takes, as one picocli mixin. */
public final class SparkOptions {

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Spark master (default: spark-submit's, else " + SparkSessions.LOCAL_MASTER + ")")
    public String master;

    @Option(names = "--verbose", description = "print stack traces of errors")
    public boolean verbose;
}
