package io.sparkgan.jobs.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.jobs.run.FaultInjection;
import io.sparkgan.jobs.run.RunLock;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.model.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model registry: a directory on any Hadoop file system that says which model downstream jobs use. After MLflow's
 * aliases: {@code aliases/<alias>.json} names a run and checkpoint (with the metrics it was promoted on), every
 * promotion is also kept as {@code versions/<n>.json}, and {@code history.jsonl} records every retrain's decision.
 * Retraining's candidate runs live under {@code runs/}, and {@code pending/<alias>.json} names the candidate of an
 * alias's retrain that has not decided yet (with the data it trains on), so that the alias's next retrain on that
 * data resumes it. {@link #pruneCandidates} deletes the candidate runs that are no longer needed.
 *
 * <p>Every file is replaced atomically (written aside, then renamed over), and a promotion writes its version
 * before it switches the alias: a crash in between leaves the old champion in place, and the retrain run again
 * writes the same version again. Only one retrain at a time: {@link #lock}.
 */
public final class ModelRegistry {

    public static final String MARKER = "registry.json";
    public static final String HISTORY = "history.jsonl";
    static final String PENDING = "pending";
    /** An older version's single pending candidate, which named no alias. */
    static final String LEGACY_PENDING = "pending.json";

    static final String RUNS = "runs";
    private static final String ALIASES = "aliases";
    private static final String VERSIONS = "versions";
    private static final String KIND = "sparkgan model registry";
    /** An alias is a file name in aliases/ and pending/: nothing that could name another place. */
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9._-]+");

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    private final RunStorage storage;

    private ModelRegistry(RunStorage storage) {
        this.storage = storage;
    }

    /** What an alias points at. */
    public record Entry(int version, String run, long checkpoint, JsonNode metrics) {}

    /**
     * The registry at {@code uri}, made there when the directory is missing or empty; an error naming it when it
     * holds anything else.
     */
    public static ModelRegistry open(String uri, Configuration conf) throws IOException {
        RunStorage storage = new RunStorage(uri, conf);
        if (storage.exists(MARKER)) {
            JsonNode marker = Json.MAPPER.readTree(storage.readString(MARKER));
            if (!KIND.equals(marker.path("kind").asText())) {
                throw new IllegalArgumentException(uri + "/" + MARKER + " is not a sparkgan model registry's");
            }
            return new ModelRegistry(storage);
        }
        if (storage.fs().exists(storage.root())) {
            FileStatus[] entries = storage.fs().listStatus(storage.root());
            if (entries.length > 0) {
                throw new IllegalArgumentException(uri + " holds something else than a sparkgan model registry (no "
                        + MARKER + "): choose another --registry, or an empty or missing directory for a new one");
            }
        }
        ObjectNode marker = Json.MAPPER.createObjectNode();
        marker.put("kind", KIND);
        marker.put("formatVersion", 1);
        marker.put("createdAt", Instant.now().toString());
        storage.writeAtomically(MARKER, Json.MAPPER.writeValueAsString(marker));
        return new ModelRegistry(storage);
    }

    /** An existing registry, for the commands that read it; an error naming it when there is none. */
    public static ModelRegistry existing(String uri, Configuration conf) throws IOException {
        RunStorage storage = new RunStorage(uri, conf);
        if (!storage.exists(MARKER)) {
            throw new IllegalArgumentException(uri + " is not a sparkgan model registry (no " + MARKER + ")");
        }
        return open(uri, conf);
    }

    public String root() {
        return storage.root().toString();
    }

    /** Where a candidate run of this registry goes. */
    public String runDirectory(String name) {
        return storage.path(RUNS + "/" + name).toString();
    }

    /** {@code alias} when it is a plain name; an error naming --alias otherwise. */
    public static String checkAlias(String alias) {
        if (alias == null || !ALIAS.matcher(alias).matches() || alias.equals(".") || alias.equals("..")) {
            throw new IllegalArgumentException("--alias must be a name of letters, digits, '.', '_' and '-' (not '.'"
                    + " or '..'), got '" + alias + "'");
        }
        return alias;
    }

    /**
     * The registry's lock, held by one retrain at a time.
     *
     * @param breakStale take over a lock that a retrain which is gone left (refused while it runs on this host)
     */
    public RunLock lock(String owner, boolean breakStale) throws IOException {
        try {
            return RunLock.acquire(storage, owner, breakStale);
        } catch (RunLock.HeldException e) {
            throw new RunLock.HeldException("another retrain holds registry " + root() + ": " + e.getMessage());
        }
    }

    public Optional<Entry> alias(String alias) throws IOException {
        String file = ALIASES + "/" + checkAlias(alias) + ".json";
        if (!storage.exists(file)) {
            return Optional.empty();
        }
        JsonNode node = Json.MAPPER.readTree(storage.readString(file));
        return Optional.of(new Entry(
                node.get("version").asInt(),
                node.get("run").asText(),
                node.get("checkpoint").asLong(),
                node.get("metrics")));
    }

    /** An alias's entry, or an error naming the registry and alias. */
    public Entry require(String alias) throws IOException {
        return alias(alias)
                .orElseThrow(() -> new IllegalArgumentException(
                        "registry " + root() + " has no model under alias '" + alias + "' yet"));
    }

    /** The candidate run of an alias's undecided retrain (null when there is none). */
    public JsonNode pending(String alias) throws IOException {
        String file = pendingFile(alias);
        return storage.exists(file) ? Json.MAPPER.readTree(storage.readString(file)) : null;
    }

    void setPending(String alias, ObjectNode pending) throws IOException {
        storage.writeAtomically(pendingFile(alias), Json.MAPPER.writeValueAsString(pending));
    }

    void clearPending(String alias) throws IOException {
        storage.fs().delete(storage.path(pendingFile(alias)), false);
    }

    private static String pendingFile(String alias) {
        return PENDING + "/" + checkAlias(alias) + ".json";
    }

    /** The history's line of {@code alias}'s decision on candidate {@code run}, if it was recorded. */
    Optional<JsonNode> recorded(String alias, String run) throws IOException {
        return history().stream()
                .filter(line -> alias.equals(line.path("alias").asText())
                        && run.equals(line.path("run").asText()))
                .reduce((first, last) -> last);
    }

    /**
     * Makes {@code run}'s {@code checkpoint} the model of {@code alias}: the next version is written, then the alias
     * switched to it. Returns the version.
     */
    Entry promote(String alias, String run, long checkpoint, JsonNode metrics) throws IOException {
        int version = promotions() + 1;
        ObjectNode entry = Json.MAPPER.createObjectNode();
        entry.put("version", version);
        entry.put("run", run);
        entry.put("checkpoint", checkpoint);
        entry.put("promotedAt", Instant.now().toString());
        entry.set("metrics", metrics);
        String json = Json.MAPPER.writeValueAsString(entry);
        storage.writeAtomically(VERSIONS + "/" + version + ".json", json);
        FaultInjection.failAt("registry-version-written");
        storage.writeAtomically(ALIASES + "/" + checkAlias(alias) + ".json", json);
        return new Entry(version, run, checkpoint, metrics);
    }

    /** The history's lines, oldest first. */
    public List<JsonNode> history() throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        if (storage.exists(HISTORY)) {
            for (String line : storage.readString(HISTORY).split("\n")) {
                if (!line.isBlank()) {
                    lines.add(Json.MAPPER.readTree(line));
                }
            }
        }
        return lines;
    }

    /** Appends a line (under the lock: the file is rewritten whole, atomically, as object stores cannot append). */
    void record(ObjectNode line) throws IOException {
        String before = storage.exists(HISTORY) ? storage.readString(HISTORY) : "";
        storage.writeAtomically(HISTORY, before + Json.LINE.writeValueAsString(line) + "\n");
    }

    /**
     * Deletes the candidate runs under {@code runs/} that are not needed: kept are every run a version or an alias
     * names (every model ever promoted), every pending candidate, and the candidates of the last {@code keep}
     * decisions in the history. A run that cannot be deleted is left, with a warning: the next retrain tries again.
     */
    void pruneCandidates(int keep) throws IOException {
        if (!storage.exists(RUNS)) {
            return;
        }
        Set<String> kept = new HashSet<>();
        for (String directory : List.of(VERSIONS, ALIASES, PENDING)) {
            for (JsonNode entry : jsonFiles(directory)) {
                kept.add(runName(entry.path("run").asText()));
            }
        }
        if (storage.exists(LEGACY_PENDING)) {
            // no retrain resumes it now (it names no alias), but its training is kept until someone removes it
            kept.add(runName(Json.MAPPER
                    .readTree(storage.readString(LEGACY_PENDING))
                    .path("run")
                    .asText()));
        }
        Set<String> recent = new HashSet<>();
        List<JsonNode> history = history();
        for (int i = history.size() - 1; i >= 0 && recent.size() < keep; i--) {
            recent.add(runName(history.get(i).path("run").asText()));
        }
        kept.addAll(recent);
        for (FileStatus run : storage.fs().listStatus(storage.path(RUNS))) {
            if (run.isDirectory() && !kept.contains(run.getPath().getName())) {
                LOG.info("deleting candidate run {} (not promoted, not among the last {} kept)", run.getPath(), keep);
                try {
                    storage.fs().delete(run.getPath(), true);
                } catch (IOException e) {
                    LOG.warn("could not delete candidate run {}: {}", run.getPath(), e.toString());
                }
            }
        }
    }

    private List<JsonNode> jsonFiles(String directory) throws IOException {
        List<JsonNode> files = new ArrayList<>();
        if (storage.exists(directory)) {
            for (FileStatus file : storage.fs().listStatus(storage.path(directory))) {
                String name = file.getPath().getName();
                // not the temporary files of a write that was interrupted
                if (file.isFile() && name.endsWith(".json") && !name.startsWith(".")) {
                    files.add(Json.MAPPER.readTree(storage.readString(directory + "/" + name)));
                }
            }
        }
        return files;
    }

    /** The directory name of a run the registry names by URI. */
    private static String runName(String run) {
        return run.isEmpty() ? "" : new Path(run).getName();
    }

    private int promotions() throws IOException {
        int count = 0;
        for (JsonNode line : history()) {
            if (line.path("promoted").asBoolean()) {
                count++;
            }
        }
        return count;
    }
}
