package io.sparkgan.jobs.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run directory as a whole, of any model: what its files are called, whether it may be used as asked (a new run,
 * an overwrite, a resume of the same run), claiming it for a new run, and reading its {@code run.json}. Training,
 * evaluation and generation all go through here; the files inside are written by {@link CheckpointStore},
 * {@link MetricsLog} and {@link RunLock}. The config in run.json is the model's {@link RunConfig}, which its model
 * package reads with {@link #storedConfig}.
 */
public final class RunDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(RunDirectory.class);
    /** Run id, effective config, versions, and any change of the number of workers. */
    public static final String RUN_JSON = "run.json";
    /** One line per round. */
    public static final String TRAIN_LOG = "metrics/train.jsonl";
    /** Rounds rejected for non-finite losses or state, one line each. */
    public static final String REJECTED_LOG = "metrics/rejected-rounds.jsonl";
    /** Where the evaluations during training go, one line each. */
    public static final String EVAL_LOG = MetricsLog.EVALUATIONS;
    /** Those evaluations as curves. */
    public static final String EVAL_CHART = "eval/metrics.png";
    /** The sample grids, one per checkpoint and one at step 0. */
    public static final String SAMPLES = "samples";
    /** Real images laid out as the sample grids are (a row per class for a conditional model), to set beside them. */
    public static final String REAL_GRID = "real-images.png";

    /** The sample grid written with the checkpoint of {@code step} (and at step 0, before training). */
    public static String sampleGrid(long step) {
        return SAMPLES + "/" + CheckpointStore.name(step) + ".png";
    }

    private static final Set<String> CLASS_PATH_OPTIONS = Set.of("-cp", "-classpath", "--class-path");

    private final RunStorage storage;

    public RunDirectory(String uri, Configuration conf) {
        this.storage = new RunStorage(uri, conf);
    }

    public RunStorage storage() {
        return storage;
    }

    /**
     * The effective config saved in run.json, read as {@code type} after {@code upgrade} has brought what an earlier
     * version stored up to date: what --resume, evaluate and generate start from. An error names the file and what in
     * it does not parse.
     */
    public <C extends RunConfig> C storedConfig(Class<C> type, UnaryOperator<JsonNode> upgrade) throws IOException {
        JsonNode config = upgrade.apply(readRun().get("config"));
        try {
            return Json.MAPPER.treeToValue(config, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    storage.path(RUN_JSON) + ": the run's config: " + ConfigProblem.describe(e)
                            + " (a run of another sparkgan version?)",
                    e);
        }
    }

    /** The id of the run this directory holds. */
    public String storedRunId() throws IOException {
        return readRun().get("runId").asText();
    }

    /** The whole of run.json as stored: identity, config, versions, starts. */
    public JsonNode storedRun() throws IOException {
        return readRun();
    }

    private JsonNode readRun() throws IOException {
        if (!storage.exists(RUN_JSON)) {
            throw new IllegalArgumentException(storage.root() + " holds no run (no " + RUN_JSON + ")");
        }
        return Json.MAPPER.readTree(storage.readString(RUN_JSON));
    }

    /**
     * Checks, writing nothing, that a new run may start here: the directory is missing or empty, or with
     * {@code overwrite} holds a run (never anything else: an overwrite deletes what is there).
     *
     * @param ignored files that do not count as content (the lock, once this trainer holds it)
     * @return null, as there is no run to resume
     */
    public String checkFree(boolean overwrite, String... ignored) throws IOException {
        if (!storage.fs().exists(storage.root())) {
            return null;
        }
        if (storage.fs().isFile(storage.root())) {
            throw new IllegalArgumentException("run directory " + storage.root() + " is a file");
        }
        List<String> content = Arrays.stream(storage.fs().listStatus(storage.root()))
                .map(f -> f.getPath().getName())
                .filter(name -> !Arrays.asList(ignored).contains(name))
                .toList();
        boolean hasRun = content.contains(RUN_JSON);
        if (content.isEmpty() || (overwrite && hasRun)) {
            return null;
        }
        if (overwrite) {
            throw new IllegalArgumentException("run directory " + storage.root() + " holds no sparkgan run (no "
                    + RUN_JSON + ") and is not empty: --overwrite only replaces a run or an empty directory;"
                    + " choose another --run-dir or delete it yourself if it should go");
        }
        throw new IllegalArgumentException("run directory " + storage.root() + " is not empty"
                + (hasRun ? " (it holds another run)" : "")
                + ": use --resume to continue it or --overwrite to replace it");
    }

    /**
     * Under the run lock: checks again that a new run may start (another trainer may have changed the directory
     * since {@link #checkFree}), empties it (all but the lock) and writes run.json.
     */
    public void claim(String runId, RunConfig config, boolean overwrite) throws IOException {
        checkFree(overwrite, RunLock.FILE);
        for (FileStatus child : storage.fs().listStatus(storage.root())) {
            if (!child.getPath().getName().equals(RunLock.FILE)) {
                storage.fs().delete(child.getPath(), true);
            }
        }
        ObjectNode run = Json.MAPPER.createObjectNode();
        run.put("runId", runId);
        run.put("createdAt", Instant.now().toString());
        run.set("config", Json.MAPPER.valueToTree(config));
        run.set("versions", versions());
        storage.writeAtomically(RUN_JSON, Json.MAPPER.writeValueAsString(run));
    }

    /**
     * A resumed run must be the same run: same data, model, seed and parallelism (the budget may grow; the number
     * of workers only with {@code changeWorkers}); {@code stored} is the config run.json holds, as the model reads
     * it. Takes over what the run fixed at its start ({@link RunConfig#continuesRun}). Returns the run id.
     */
    public <C extends RunConfig> String requireSameRun(C config, C stored, boolean changeWorkers) throws IOException {
        if (stored.workers == 0 && config.workers == 0) {
            LOG.warn(
                    "{} was started before sparkgan recorded the number of workers: resuming with this cluster's"
                            + " task slots, which may differ from the run's",
                    config.runDir);
        } else if (stored.workers != 0 && config.workers != stored.workers) {
            if (!changeWorkers) {
                throw new IllegalArgumentException("--resume: the run in " + config.runDir + " was trained with "
                        + stored.workers + " workers, not " + config.workers + "; another number changes its shards,"
                        + " minibatches and averaging, so the run will not match an uninterrupted one: pass"
                        + " --change-workers to do it anyway");
            }
            LOG.warn(
                    "*** resuming {} with {} workers instead of {} (--change-workers): shards, minibatches and"
                            + " images per round change from here on; the run is no longer reproducible from its seed ***",
                    config.runDir,
                    config.workers,
                    stored.workers);
        }
        if (!config.continuesRun(stored)) {
            throw new IllegalArgumentException("--resume: the options differ from the run in " + config.runDir
                    + " (only --kimg/--epochs may change); its config is in " + RUN_JSON);
        }
        return storedRunId();
    }

    /**
     * Under the run lock: checks that the directory still holds run {@code runId}, and records a changed number of
     * workers so that the next resume keeps these shards.
     */
    public void recordResume(String runId, RunConfig config) throws IOException {
        ObjectNode run = (ObjectNode) readRun();
        if (!runId.equals(run.get("runId").asText())) {
            throw new IllegalStateException(
                    config.runDir + " now holds another run: it was replaced while" + " this one was being prepared");
        }
        int stored = run.path("config").path("workers").asInt();
        if (stored != config.workers) {
            ((ObjectNode) run.get("config")).put("workers", config.workers);
            run.withArray("workerChanges")
                    .addObject()
                    .put("from", stored)
                    .put("to", config.workers)
                    .put("at", Instant.now().toString());
            storage.writeAtomically(RUN_JSON, Json.MAPPER.writeValueAsString(run));
        }
    }

    /**
     * The checkpoint a trainer started from: its step, the SHA-256 of the state it loaded, and the run directory it is
     * from when another (a warm start; else null).
     */
    public record Loaded(long checkpoint, String stateSha256, String warmStartFrom) {}

    /**
     * Under the run lock: appends to run.json's {@code starts} where this trainer process starts: its first round
     * and what it loaded ({@code null}: nothing, a start from round 0). What tells a resume from a restart that
     * would end with the same bits. Also where it runs: the host and the process's command line.
     */
    public void recordStart(long firstRound, Loaded loaded) throws IOException {
        ObjectNode run = (ObjectNode) readRun();
        ObjectNode start = run.withArray("starts").addObject();
        start.put("at", Instant.now().toString());
        start.put("firstRound", firstRound);
        start.put("host", host());
        start.put("commandLine", commandLine());
        if (loaded != null) {
            start.put("fromCheckpoint", loaded.checkpoint());
            start.put("loadedStateSha256", loaded.stateSha256());
            if (loaded.warmStartFrom() != null) {
                start.put("warmStartFrom", loaded.warmStartFrom());
            }
        }
        storage.writeAtomically(RUN_JSON, Json.MAPPER.writeValueAsString(run));
    }

    private static ObjectNode versions() {
        ObjectNode versions = Json.MAPPER.createObjectNode();
        versions.put("sparkgan", SparkganVersion.get());
        versions.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
        versions.put("dl4j", dl4jVersion());
        versions.put("java", System.getProperty("java.version"));
        versions.put(
                "nd4jBackend",
                org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName());
        return versions;
    }

    /** DL4J's version as its own version check reads it, from the build properties its jars carry. */
    private static String dl4jVersion() {
        try (InputStream in = RunDirectory.class
                .getClassLoader()
                .getResourceAsStream("org/eclipse/org.deeplearning4j-deeplearning4j-nn-git.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("git.build.version", "unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /**
     * This JVM's command line as the operating system shows it (the launcher, spark-submit's or bin/sparkgan's, and
     * sparkgan's arguments), the class path left out as it runs to thousands of characters.
     */
    private static String commandLine() {
        List<String> words = processWords();
        if (words.isEmpty()) {
            return "unknown (the operating system does not tell)";
        }
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            shown.add(word.isEmpty() || word.matches(".*[\\s'\"].*") ? "'" + word.replace("'", "'\\''") + "'" : word);
            if (CLASS_PATH_OPTIONS.contains(word) && i + 1 < words.size()) {
                shown.add("…");
                i++;
            }
        }
        return String.join(" ", shown);
    }

    /**
     * The program and its arguments: Linux's /proc/self/cmdline, which the JDK's {@link ProcessHandle.Info} does
     * not read in full when it is long (a class path of hundreds of jars), else what that tells.
     */
    private static List<String> processWords() {
        java.nio.file.Path cmdline = java.nio.file.Path.of("/proc/self/cmdline");
        try {
            if (Files.isReadable(cmdline)) {
                String text = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8);
                return text.isEmpty() ? List.of() : List.of(text.split("\0"));
            }
        } catch (IOException e) {
            LOG.debug("cannot read {}: {}", cmdline, e.toString());
        }
        ProcessHandle.Info info = ProcessHandle.current().info();
        List<String> words = new ArrayList<>();
        info.command().ifPresent(words::add);
        info.arguments().ifPresent(arguments -> words.addAll(List.of(arguments)));
        return words;
    }
}
