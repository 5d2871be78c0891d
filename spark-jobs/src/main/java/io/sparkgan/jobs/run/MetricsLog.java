package io.sparkgan.jobs.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FSDataOutputStream;

/**
 * A JSON-lines log in the run directory ({@code metrics/train.jsonl}: one object per round; {@code eval/}: one
 * per evaluation). Lines are appended
 * where the file system can append (local disk, HDFS) and the file is rewritten where it cannot (object stores).
 * On resume the lines after the checkpoint are dropped, so the log matches the run as it continues.
 */
public final class MetricsLog {

    /** The evaluations of a run's checkpoints (one line each, the best marked), relative to the run directory. */
    public static final String EVALUATIONS = "eval/metrics.jsonl";

    private final RunStorage storage;
    private final String relative;
    private final List<String> lines = new ArrayList<>();
    /** Whether {@link #lines} holds what the file holds; a log made with the constructor knows only its own lines. */
    private boolean holdsStoredLines;

    private boolean canAppend = true;

    public MetricsLog(RunStorage storage, String relative) {
        this.storage = storage;
        this.relative = relative;
    }

    /** The log with the lines it already holds, to append to. */
    public static MetricsLog existing(RunStorage storage, String relative) throws IOException {
        MetricsLog log = new MetricsLog(storage, relative);
        log.lines.addAll(log.stored());
        log.holdsStoredLines = true;
        return log;
    }

    /** Keeps the existing lines whose {@code field} is at most {@code last}; drops the others from the file. */
    public void truncateAfter(String field, long last) throws IOException {
        lines.clear();
        for (String line : stored()) {
            if (Json.MAPPER.readTree(line).path(field).asLong() <= last) {
                lines.add(line);
            }
        }
        holdsStoredLines = true;
        rewrite();
    }

    /**
     * Appends a line that records work done with a run (scorings, upscales, which the run report shows), with only a
     * warning when the run directory cannot be written (a shared, read-only run): the work's own output is complete
     * without it.
     */
    public static void record(RunStorage storage, String relative, ObjectNode entry) {
        try {
            new MetricsLog(storage, relative).append(entry);
        } catch (IOException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(MetricsLog.class)
                    .warn(
                            "could not record this in {}/{} for the run report: {}",
                            storage.root(),
                            relative,
                            e.toString());
        }
    }

    /**
     * Adds a line to the file: appended where the store can, else the file is rewritten (under a temporary name,
     * then renamed) with every line it held and the new one.
     */
    public void append(ObjectNode entry) throws IOException {
        String line = entry.toString();
        if (canAppend && storage.exists(relative)) {
            try (FSDataOutputStream out = storage.fs().append(storage.path(relative))) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                lines.add(line);
                return;
            } catch (UnsupportedOperationException | IOException e) {
                canAppend = false;
            }
        }
        if (!holdsStoredLines) {
            // the file may hold lines written before this log was made (an earlier command's), and holds the ones
            // this log appended
            lines.clear();
            lines.addAll(stored());
            holdsStoredLines = true;
        }
        lines.add(line);
        rewrite();
    }

    public List<JsonNode> entries() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : lines) {
            out.add(Json.MAPPER.readTree(line));
        }
        return out;
    }

    private List<String> stored() throws IOException {
        List<String> stored = new ArrayList<>();
        if (storage.exists(relative)) {
            String[] all = storage.readString(relative).split("\n");
            for (int i = 0; i < all.length; i++) {
                if (all[i].isBlank()) {
                    continue;
                }
                try {
                    Json.MAPPER.readTree(all[i]);
                    stored.add(all[i]);
                } catch (IOException e) {
                    // the half-written last line of a trainer killed while appending; anything else is damage
                    if (i < all.length - 1) {
                        throw new IOException(
                                storage.path(relative) + " line " + (i + 1) + " is not JSON: " + e.getMessage(), e);
                    }
                }
            }
        }
        return stored;
    }

    private void rewrite() throws IOException {
        StringBuilder text = new StringBuilder();
        lines.forEach(l -> text.append(l).append('\n'));
        storage.writeAtomically(relative, text.toString());
    }
}
