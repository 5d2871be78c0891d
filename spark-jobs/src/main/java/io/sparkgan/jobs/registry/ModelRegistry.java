package io.sparkgan.jobs.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.jobs.engine.FaultInjection;
import io.sparkgan.jobs.train.RunLock;
import io.sparkgan.jobs.train.RunStorage;
import io.sparkgan.model.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;

/**
 * A model registry: a directory on any Hadoop file system that says which model downstream jobs use. After MLflow's
 * aliases: {@code aliases/<alias>.json} names a run and checkpoint (with the metrics it was promoted on), every
 * promotion is also kept as {@code versions/<n>.json}, and {@code history.jsonl} records every retrain's decision.
 * Retraining's candidate runs live under {@code runs/}, and {@code pending.json} names the candidate of a retrain
 * that has not decided yet, so that a retrain run again after a crash resumes it.
 *
 * <p>Every file is replaced atomically (written aside, then renamed over), and a promotion writes its version
 * before it switches the alias: a crash in between leaves the old champion in place, and the retrain run again
 * writes the same version again. Only one retrain at a time: {@link #lock}.
 */
public final class ModelRegistry {

    public static final String MARKER = "registry.json";
    public static final String HISTORY = "history.jsonl";
    static final String PENDING = "pending.json";
    static final String RUNS = "runs";
    private static final String KIND = "sparkgan model registry";

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

    /** The registry's lock, held by one retrain at a time. */
    public RunLock lock(String owner) throws IOException {
        try {
            return RunLock.acquire(storage, owner, false);
        } catch (RunLock.HeldException e) {
            throw new RunLock.HeldException("another retrain holds registry " + root() + ": " + e.getMessage());
        }
    }

    public Optional<Entry> alias(String alias) throws IOException {
        String file = "aliases/" + alias + ".json";
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

    /** The candidate run of an undecided retrain (null when there is none). */
    public JsonNode pending() throws IOException {
        return storage.exists(PENDING) ? Json.MAPPER.readTree(storage.readString(PENDING)) : null;
    }

    void setPending(ObjectNode pending) throws IOException {
        storage.writeAtomically(PENDING, Json.MAPPER.writeValueAsString(pending));
    }

    void clearPending() throws IOException {
        storage.fs().delete(storage.path(PENDING), false);
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
        storage.writeAtomically("versions/" + version + ".json", json);
        FaultInjection.failAt("registry-version-written");
        storage.writeAtomically("aliases/" + alias + ".json", json);
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
