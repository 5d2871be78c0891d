package io.sparkgan.jobs.train;

import io.sparkgan.model.CheckpointFiles;
import io.sparkgan.model.GanCheckpoint;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code checkpoints/<step>/} under a run directory. A checkpoint is written into a hidden temporary directory
 * and committed by renaming it, so a crash mid-write leaves nothing that looks like a checkpoint; only directories
 * with the committed name and a complete file set count. {@code checkpoints/latest} names the latest one (for
 * people and notebooks; resume lists the directories), {@code checkpoints/best} the one marked best. The last
 * {@code keep} checkpoints and the best survive pruning.
 */
public final class CheckpointStore {

    static final String DIR = "checkpoints";
    private static final Pattern COMMITTED = Pattern.compile("\\d{9}");

    private final RunStorage storage;
    private final int keep;

    public CheckpointStore(RunStorage storage, int keep) {
        this.storage = storage;
        this.keep = keep;
    }

    RunStorage storage() {
        return storage;
    }

    public static String name(long step) {
        return String.format("%09d", step);
    }

    void save(long step, GanCheckpoint checkpoint) throws IOException {
        FileSystem fs = storage.fs();
        Path committed = storage.path(DIR + "/" + name(step));
        Path temporary = storage.path(DIR + "/.tmp-" + name(step) + "-" + UUID.randomUUID());
        checkpoint.write(files(fs, temporary));
        if (fs.exists(committed)) {
            fs.delete(committed, true);
        }
        if (!fs.rename(temporary, committed)) {
            fs.delete(temporary, true);
            throw new IOException("could not commit checkpoint " + committed);
        }
        storage.writeAtomically(DIR + "/latest", name(step) + "\n");
        prune();
    }

    /** Steps of the complete checkpoints, ascending. */
    public List<Long> steps() throws IOException {
        FileSystem fs = storage.fs();
        Path dir = storage.path(DIR);
        List<Long> steps = new ArrayList<>();
        if (!fs.exists(dir)) {
            return steps;
        }
        for (FileStatus status : fs.listStatus(dir)) {
            String name = status.getPath().getName();
            if (status.isDirectory() && COMMITTED.matcher(name).matches()
                    && fs.exists(new Path(status.getPath(), GanCheckpoint.STATE))) {
                steps.add(Long.parseLong(name));
            }
        }
        steps.sort(null);
        return steps;
    }

    public OptionalLong latest() throws IOException {
        List<Long> steps = steps();
        return steps.isEmpty() ? OptionalLong.empty() : OptionalLong.of(steps.get(steps.size() - 1));
    }

    public GanCheckpoint load(long step) throws IOException {
        return GanCheckpoint.read(files(storage.fs(), storage.path(DIR + "/" + name(step))));
    }

    void markBest(long step) throws IOException {
        storage.writeAtomically(DIR + "/best", name(step) + "\n");
    }

    public Optional<Long> best() throws IOException {
        if (!storage.exists(DIR + "/best")) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(storage.readString(DIR + "/best").trim()));
    }

    /** Removes leftovers of interrupted writes and checkpoints newer than {@code step} (a resumed run redoes them). */
    void discardAfter(long step) throws IOException {
        FileSystem fs = storage.fs();
        Path dir = storage.path(DIR);
        if (!fs.exists(dir)) {
            return;
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

    private static CheckpointFiles files(FileSystem fs, Path dir) {
        return new CheckpointFiles() {
            @Override
            public OutputStream create(String name) throws IOException {
                return fs.create(new Path(dir, name), true);
            }

            @Override
            public InputStream open(String name) throws IOException {
                return fs.open(new Path(dir, name));
            }

            @Override
            public boolean exists(String name) throws IOException {
                return fs.exists(new Path(dir, name));
            }

            @Override
            public String location(String name) {
                return new Path(dir, name).toString();
            }
        };
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
            case "best" -> best().orElseThrow(() -> new IllegalArgumentException(
                    "--checkpoint best: run " + runDir + " has no checkpoint marked best (it was trained"
                            + " without an evaluator)"));
            default -> {
                try {
                    yield Long.parseLong(chosen);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--checkpoint must be a step, 'best' or 'latest', got '"
                            + chosen + "'");
                }
            }
        };
        if (!steps.contains(step)) {
            throw new IllegalArgumentException("run " + runDir + " has no checkpoint at step " + step
                    + "; it has " + steps);
        }
        return step;
    }
}
