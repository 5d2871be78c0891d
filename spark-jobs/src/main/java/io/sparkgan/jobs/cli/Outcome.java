package io.sparkgan.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.data.SparkOptions;
import io.sparkgan.data.SparkSessions;
import io.sparkgan.jobs.registry.ModelRegistry;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.model.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * How a {@code train} or {@code retrain} ended, kept next to what it trained: {@code <run-dir>/outcome.json} and
 * {@code <registry>/outcomes/<alias>.json}. In cluster deploy mode a scheduler does not get the driver's exit code
 * (YARN reports succeeded or failed, standalone and Kubernetes spark-submit exit 0 whatever the driver did), so the
 * file is what it reads, with {@code sparkgan outcome} or {@code hadoop fs -cat}.
 *
 * @param exitCode the command's exit code, as it would have exited in client mode
 * @param outcome one word: trained, promoted, kept, collapsed, diverged, locked, stopped or failed
 * @param message what the command printed last: its summary or its error
 * @param details what the command adds (a retrain's candidate and version, a training's rounds)
 */
record Outcome(int exitCode, String outcome, String message, ObjectNode details) {

    static final String RUN_FILE = "outcome.json";
    static final String REGISTRY_DIR = "outcomes";

    static Outcome of(int exitCode, String outcome, String message) {
        return new Outcome(exitCode, outcome, message, Json.MAPPER.createObjectNode());
    }

    /** The outcome of a command that failed with {@code exitCode} on {@code e}, after reporting it. */
    static Outcome failed(int exitCode, String outcome, Exception e, boolean verbose) {
        CommandErrors.report(e, verbose);
        return of(exitCode, outcome, CommandErrors.message(e));
    }

    /** Writes {@code <runDir>/outcome.json} when {@code runDir} holds a run (nothing is made in another place). */
    void recordInRun(String command, String runDir, SparkOptions options) {
        record(command, options, runDir, RunDirectory.RUN_JSON, RUN_FILE);
    }

    /** Writes {@code <registry>/outcomes/<alias>.json} when {@code registry} is a registry. */
    void recordInRegistry(String command, String registry, String alias, SparkOptions options) {
        record(command, options, registry, ModelRegistry.MARKER, REGISTRY_DIR + "/" + alias + ".json");
    }

    private void record(String command, SparkOptions options, String location, String mustExist, String file) {
        try {
            RunStorage storage = new RunStorage(location, SparkSessions.hadoopConfiguration(options));
            if (!storage.exists(mustExist)) {
                return;
            }
            storage.writeAtomically(file, Json.MAPPER.writeValueAsString(toJson(command, options)));
        } catch (IOException | RuntimeException e) {
            // the exit code still tells in client mode; a scheduler in cluster mode then sees a stale or no file
            System.err.println("warning: " + location + "/" + file + " could not be written: " + e);
        }
    }

    private ObjectNode toJson(String command, SparkOptions options) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("command", command);
        node.put("exitCode", exitCode);
        node.put("outcome", outcome);
        node.put("message", message);
        node.put("finishedAt", Instant.now().toString());
        // the name spark-submit --name or --name gave, which a scheduler can check (sparkgan outcome --expect-name)
        if (SparkSession.getDefaultSession().isDefined()) {
            SparkContext sc = SparkSession.getDefaultSession().get().sparkContext();
            node.put("name", sc.appName());
            node.put("applicationId", sc.applicationId());
        } else {
            node.put("name", options.name != null ? options.name : new SparkConf().get("spark.app.name", null));
        }
        node.put("deployMode", new SparkConf().get("spark.submit.deployMode", "client"));
        node.put("host", hostName());
        node.setAll(details);
        return node;
    }

    /** Reads an outcome file as written by {@link #toJson}. */
    static JsonNode read(String location, String file, SparkOptions options) throws IOException {
        RunStorage storage = new RunStorage(location, SparkSessions.hadoopConfiguration(options));
        if (!storage.exists(file)) {
            throw new IllegalArgumentException(location + "/" + file + " does not exist: no train or retrain has"
                    + " ended there (yet), or it ended before it could tell");
        }
        return Json.MAPPER.readTree(storage.readString(file));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
