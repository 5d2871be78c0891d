package io.sparkgan.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.model.Json;
import org.apache.hadoop.fs.FSDataOutputStream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON-lines log in the run directory ({@code metrics/train.jsonl}): one object per round. Lines are appended
 * where the file system can append (local disk, HDFS) and the file is rewritten where it cannot (object stores).
 * On resume the lines after the checkpoint are dropped, so the log matches the run as it continues.
 */
final class MetricsLog {

    private final RunStorage storage;
    private final String relative;
    private final List<String> lines = new ArrayList<>();
    private boolean canAppend = true;

    MetricsLog(RunStorage storage, String relative) {
        this.storage = storage;
        this.relative = relative;
    }

    /** Keeps the existing lines whose {@code field} is at most {@code last}; drops the others from the file. */
    void truncateAfter(String field, long last) throws IOException {
        lines.clear();
        if (storage.exists(relative)) {
            for (String line : storage.readString(relative).split("\n")) {
                if (!line.isBlank() && Json.MAPPER.readTree(line).path(field).asLong() <= last) {
                    lines.add(line);
                }
            }
        }
        rewrite();
    }

    void append(ObjectNode entry) throws IOException {
        String line = entry.toString();
        lines.add(line);
        if (canAppend && storage.exists(relative)) {
            try (FSDataOutputStream out = storage.fs().append(storage.path(relative))) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            } catch (UnsupportedOperationException | IOException e) {
                canAppend = false;
            }
        }
        rewrite();
    }

    List<JsonNode> entries() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : lines) {
            out.add(Json.MAPPER.readTree(line));
        }
        return out;
    }

    private void rewrite() throws IOException {
        StringBuilder text = new StringBuilder();
        lines.forEach(l -> text.append(l).append('\n'));
        storage.writeAtomically(relative, text.toString());
    }
}
