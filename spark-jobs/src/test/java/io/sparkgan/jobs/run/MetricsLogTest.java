package io.sparkgan.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.model.Json;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A log keeps every line, on stores that append (local disk, HDFS) and on stores that cannot (S3A). */
class MetricsLogTest {

    /** Local disk under the scheme {@code noappend:}, refusing to append the way S3A does. */
    public static final class NoAppendFileSystem extends RawLocalFileSystem {
        @Override
        public URI getUri() {
            return URI.create("noappend:///");
        }

        @Override
        public String getScheme() {
            return "noappend";
        }

        @Override
        public FSDataOutputStream append(org.apache.hadoop.fs.Path file, int bufferSize, Progressable progress) {
            throw new UnsupportedOperationException("Append is not supported by NoAppendFileSystem");
        }
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file", "noappend"})
    void recordsAddUpWhetherTheStoreAppendsOrNot(String scheme) throws Exception {
        Configuration conf = new Configuration(false);
        conf.set("fs.noappend.impl", NoAppendFileSystem.class.getName());
        conf.setBoolean("fs.noappend.impl.disable.cache", true);
        RunStorage storage = new RunStorage(scheme + "://" + dir.resolve("run"), conf);

        for (int i = 0; i < 3; i++) {
            MetricsLog.record(
                    storage,
                    "superres/upscalings.jsonl",
                    Json.MAPPER.createObjectNode().put("upscale", i));
        }

        List<JsonNode> entries =
                MetricsLog.existing(storage, "superres/upscalings.jsonl").entries();
        assertEquals(
                List.of(0, 1, 2),
                entries.stream().map(e -> e.get("upscale").asInt()).toList());
        Path log = dir.resolve("run/superres/upscalings.jsonl");
        assertEquals(List.of("{\"upscale\":0}", "{\"upscale\":1}", "{\"upscale\":2}"), Files.readAllLines(log));
        try (var files = Files.list(log.getParent())) {
            assertEquals(
                    List.of("upscalings.jsonl"),
                    files.map(f -> f.getFileName().toString()).toList(),
                    "no temporary file left behind");
        }
    }
}
