package io.sparkgan.jobs.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;

/**
 * {@code checkpoints/<step>/} under a run directory. A checkpoint is written into a hidden temporary directory,
 * renamed into place and committed by a marker written last (see {@link #save}), so a crash mid-write leaves
 * nothing that counts as a checkpoint. {@code checkpoints/latest} names the latest one (for
 * people and notebooks; resume lists the directories), {@code checkpoints/best} the one marked best. The last
 * {@code keep} checkpoints and the best survive pruning. The model's checkpoint is written and read by its {@link
 * CheckpointFormat}.
 */
public final class CheckpointStore<T> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CheckpointStore.class);

    public static final String DIR = "checkpoints";
    /** Written last into a committed checkpoint: its files' sizes and SHA-256. */
    public static final String MARKER = "_COMMITTED.json";

    /** Where resume moves checkpoints that do not verify, inside {@link #DIR}. */
    public static final String UNVERIFIED = "unverified";
    /** The SHA-256 of no bytes, in hex. */
    private static final String SHA256_OF_NOTHING = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static final Pattern COMMITTED = Pattern.compile("\\d{9}");

    private final RunStorage storage;
    private final int keep;
    private final CheckpointFormat<T> format;

    public CheckpointStore(RunStorage storage, int keep, CheckpointFormat<T> format) {
        this.storage = storage;
        this.keep = keep;
        this.format = format;
    }

    public RunStorage storage() {
        return storage;
    }

    /**
     * Copies checkpoint {@code step} of another run into this one (a warm start): into a hidden directory, then
     * renamed into place, so that a copy cut short leaves no checkpoint rather than a broken one.
     */
    public void copyFrom(RunStorage source, long step) throws IOException {
        Path from = source.path(DIR + "/" + name(step));
        if (!source.fs().exists(from.suffix("/" + MARKER))) {
            throw new IllegalArgumentException("no committed checkpoint " + step + " in " + source.root());
        }
        Path temporary = storage.path(DIR + "/." + name(step) + ".copy-" + java.util.UUID.randomUUID());
        FileUtil.copy(
                source.fs(), from, storage.fs(), temporary, false, storage.fs().getConf());
        if (!storage.fs().rename(temporary, storage.path(DIR + "/" + name(step)))) {
            throw new IOException("cannot rename " + temporary + " into " + storage.path(DIR));
        }
    }

    public static String name(long step) {
        return String.format("%09d", step);
    }

    /**
     * Writes the files into a hidden directory, renames it into place, and only then writes {@link #MARKER}: the
     * size and SHA-256 of every file. The marker is what makes the checkpoint count, so a rename that is a copy
     * (object stores) and a crash at any point leave either a checkpoint that verifies or none.
     */
    public void save(long step, T checkpoint) throws IOException {
        FileSystem fs = storage.fs();
        Path committed = storage.path(DIR + "/" + name(step));
        Path temporary = storage.path(DIR + "/.tmp-" + name(step) + "-" + UUID.randomUUID());
        ObjectNode listing = Json.MAPPER.createObjectNode();
        format.writer().write(checkpoint, new HadoopCheckpointFiles(fs, temporary, listing));
        FaultInjection.haltAt("checkpoint-written", step);
        if (fs.exists(committed)) {
            fs.delete(committed, true);
        }
        if (!fs.rename(temporary, committed)) {
            fs.delete(temporary, true);
            throw new IOException("could not commit checkpoint " + committed);
        }
        FaultInjection.haltAt("checkpoint-renamed", step);
        storage.writeAtomically(DIR + "/" + name(step) + "/" + MARKER, Json.MAPPER.writeValueAsString(listing));
        FaultInjection.haltAt("checkpoint-committed", step);
        storage.writeAtomically(DIR + "/latest", name(step) + "\n");
        prune();
    }

    /**
     * Whether the checkpoint's files are those its marker lists (sizes and SHA-256); why not (naming the file), or
     * null when they are. A checkpoint from before markers has none and is checked by loading it.
     */
    public String verify(long step) throws IOException {
        Path dir = storage.path(DIR + "/" + name(step));
        Path marker = new Path(dir, MARKER);
        if (!storage.fs().exists(marker)) {
            return null;
        }
        JsonNode listing = Json.MAPPER.readTree(storage.readString(DIR + "/" + name(step) + "/" + MARKER));
        for (var file : (Iterable<java.util.Map.Entry<String, JsonNode>>) listing::fields) {
            Path path = new Path(dir, file.getKey());
            if (!storage.fs().exists(path)) {
                return path + " is missing";
            }
            long size = storage.fs().getFileStatus(path).getLen();
            long listed = file.getValue().get("size").asLong();
            if (size != listed) {
                return path + " has " + size + " bytes, its marker lists " + listed;
            }
            String listedHash = file.getValue().get("sha256").asText();
            if (listedHash.equals(SHA256_OF_NOTHING)
                    && listed > 0
                    && file.getKey().equals(format.stateFile())) {
                // sparkgan 0.1.0 before issue 31 hashed gan.json after Jackson had closed it: the hash of no bytes by
                // its
                // true size. Its size is checked above, and its content when the checkpoint is parsed
                continue;
            }
            try (InputStream in = storage.fs().open(path)) {
                String hash = HadoopCheckpointFiles.sha256(in);
                if (!hash.equals(listedHash)) {
                    return path + " does not match its checksum (SHA-256 " + hash + ", its marker lists " + listedHash
                            + ")";
                }
            }
        }
        return null;
    }

    /**
     * Steps of the committed checkpoints, ascending: those with a {@link #MARKER}, and those written before markers
     * existed (their state file has no image count).
     */
    public List<Long> steps() throws IOException {
        FileSystem fs = storage.fs();
        Path dir = storage.path(DIR);
        List<Long> steps = new ArrayList<>();
        if (!fs.exists(dir)) {
            return steps;
        }
        for (FileStatus status : fs.listStatus(dir)) {
            String name = status.getPath().getName();
            if (status.isDirectory()
                    && COMMITTED.matcher(name).matches()
                    && (fs.exists(new Path(status.getPath(), MARKER)) || fromBeforeMarkers(status.getPath()))) {
                steps.add(Long.parseLong(name));
            }
        }
        steps.sort(null);
        return steps;
    }

    private boolean fromBeforeMarkers(Path checkpoint) throws IOException {
        Path state = new Path(checkpoint, format.stateFile());
        if (!storage.fs().exists(state)) {
            return false;
        }
        try (InputStream in = storage.fs().open(state)) {
            return !Json.MAPPER.readTree(in).path("training").has("images");
        } catch (IOException e) {
            return false;
        }
    }

    public OptionalLong latest() throws IOException {
        List<Long> steps = steps();
        return steps.isEmpty() ? OptionalLong.empty() : OptionalLong.of(steps.get(steps.size() - 1));
    }

    /** A checkpoint and its step. */
    public record Loaded<T>(long step, T checkpoint) {}

    /**
     * What a resume finds: the newest checkpoint that verifies and loads (null when none does), and the newer ones
     * that did not, each with why (a crash or a copying rename may have damaged them).
     */
    public record Search<T>(Loaded<T> intact, SortedMap<Long, String> unverified) {
        /** Stops, naming each checkpoint and why, when there are checkpoints and none of them verifies. */
        public void requireOneIntact(Path dir) {
            if (intact == null && !unverified.isEmpty()) {
                throw new UnverifiedCheckpoints(dir, unverified);
            }
        }
    }

    /** The newest checkpoint that verifies and loads, and why each newer one does not. Reads only. */
    public Search<T> newestIntact() throws IOException {
        List<Long> steps = steps();
        SortedMap<Long, String> unverified = new TreeMap<>();
        for (int i = steps.size() - 1; i >= 0; i--) {
            long step = steps.get(i);
            try {
                return new Search<>(new Loaded<>(step, load(step)), unverified);
            } catch (IOException e) {
                unverified.put(step, e.getMessage());
            }
        }
        return new Search<>(null, unverified);
    }

    /** Resume found committed checkpoints and none of them verifies: what they are and why, so nothing is lost. */
    public static final class UnverifiedCheckpoints extends IllegalArgumentException {
        UnverifiedCheckpoints(Path dir, SortedMap<Long, String> unverified) {
            super("--resume: no checkpoint in " + dir + " verifies, so the run cannot continue from one:\n  "
                    + String.join(
                            "\n  ",
                            unverified.entrySet().stream()
                                    .map(e -> name(e.getKey()) + ": " + e.getValue())
                                    .toList())
                    + "\nNothing was changed. To start the run again from round 0, keeping these checkpoints under "
                    + dir + "/" + UNVERIFIED + "/, pass --restart-unverified");
        }
    }

    /**
     * Moves checkpoints that did not verify out of the way, under {@code checkpoints/unverified/<step>-<time>}
     * (never deleted: the damage may be the reader's, as a hashing defect once was), and logs each.
     */
    public void setAside(SortedMap<Long, String> unverified) throws IOException {
        for (var entry : unverified.entrySet()) {
            Path from = storage.path(DIR + "/" + name(entry.getKey()));
            Path to = storage.path(
                    DIR + "/" + UNVERIFIED + "/" + name(entry.getKey()) + "-" + System.currentTimeMillis());
            storage.fs().mkdirs(to.getParent());
            if (!storage.fs().rename(from, to)) {
                throw new IOException("cannot move checkpoint " + from + " that does not verify to " + to);
            }
            LOG.warn("checkpoint {} does not verify ({}): moved to {}", entry.getKey(), entry.getValue(), to);
        }
    }

    /** Loads checkpoint {@code step} once its files are those its marker lists; an error naming the file if not. */
    public T load(long step) throws IOException {
        String problem = verify(step);
        if (problem != null) {
            throw new IOException(problem);
        }
        return format.reader()
                .read(new HadoopCheckpointFiles(storage.fs(), storage.path(DIR + "/" + name(step)), null));
    }

    public void markBest(long step) throws IOException {
        storage.writeAtomically(DIR + "/best", name(step) + "\n");
    }

    /**
     * The checkpoint marked best; when the pointer file is gone (a crash while replacing it on a store without
     * atomic replace), the last one the evaluation log marks best that still exists.
     */
    public Optional<Long> best() throws IOException {
        if (storage.exists(DIR + "/best")) {
            return Optional.of(Long.parseLong(storage.readString(DIR + "/best").trim()));
        }
        List<Long> steps = steps();
        Optional<Long> best = Optional.empty();
        for (JsonNode line :
                MetricsLog.existing(storage, MetricsLog.EVALUATIONS).entries()) {
            if (line.path("best").asBoolean()
                    && steps.contains(line.path("step").asLong())) {
                best = Optional.of(line.path("step").asLong());
            }
        }
        return best;
    }

    /** Removes leftovers of interrupted writes and checkpoints newer than {@code step} (a resumed run redoes them). */
    public void discardAfter(long step) throws IOException {
        FileSystem fs = storage.fs();
        Path dir = storage.path(DIR);
        if (!fs.exists(dir)) {
            return;
        }
        if (storage.exists(DIR + "/best")
                && Long.parseLong(storage.readString(DIR + "/best").trim()) > step) {
            fs.delete(storage.path(DIR + "/best"), false);
        }
        for (FileStatus status : fs.listStatus(dir)) {
            String name = status.getPath().getName();
            boolean newer = COMMITTED.matcher(name).matches() && Long.parseLong(name) > step;
            if (status.isDirectory() && (name.startsWith(".tmp-") || newer)) {
                fs.delete(status.getPath(), true);
            }
        }
    }

    private void prune() throws IOException {
        List<Long> steps = steps();
        Optional<Long> best = best();
        for (int i = 0; i < steps.size() - keep; i++) {
            long step = steps.get(i);
            if (best.isEmpty() || best.get() != step) {
                storage.fs().delete(storage.path(DIR + "/" + name(step)), true);
            }
        }
    }

    /**
     * The step a {@code --checkpoint} value names: a step, "best" or "latest"; null means best when one is marked,
     * else latest. Errors name the run and what it has.
     */
    public long resolve(String which, String runDir) throws IOException {
        List<Long> steps = steps();
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("run " + runDir + " has no checkpoint yet");
        }
        String chosen = which != null ? which : best().isPresent() ? "best" : "latest";
        long step = switch (chosen) {
            case "latest" -> steps.get(steps.size() - 1);
            case "best" ->
                best().orElseThrow(() -> new IllegalArgumentException("--checkpoint best: run " + runDir
                        + " has no checkpoint marked best (it was trained" + " without an evaluator)"));
            default -> {
                try {
                    yield Long.parseLong(chosen);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "--checkpoint must be a step, 'best' or 'latest', got '" + chosen + "'");
                }
            }
        };
        if (!steps.contains(step)) {
            throw new IllegalArgumentException(
                    "run " + runDir + " has no checkpoint at step " + step + "; it has " + steps);
        }
        return step;
    }
}
