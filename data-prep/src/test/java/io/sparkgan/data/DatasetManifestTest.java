package io.sparkgan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest file is a contract with users' pipelines: its JSON field names and checks. */
class DatasetManifestTest {

    private static final Configuration CONF = new Configuration();

    @TempDir
    Path dir;

    private static DatasetManifest labelled() {
        return new DatasetManifest(
                1,
                28,
                28,
                1,
                3,
                List.of("0", "1"),
                List.of(1L, 2L),
                List.of(33.5),
                List.of(78.25),
                List.of(new DatasetManifest.Shard("shard-00000.parquet", 3)),
                "test",
                "2024-01-02T03:04:05Z",
                Map.of("prep.limit", "3"));
    }

    @Test
    void writesTheDocumentedFieldsAndReadsThemBack() throws Exception {
        DatasetManifest manifest = labelled();
        manifest.write(dir.toString(), CONF);

        JsonNode json =
                new ObjectMapper().readTree(dir.resolve("_manifest.json").toFile());
        List<String> fields = List.of(
                "formatVersion",
                "height",
                "width",
                "channels",
                "count",
                "labelNames",
                "classCounts",
                "channelMean",
                "channelStd",
                "shards",
                "source",
                "createdAt",
                "properties");
        assertEquals(fields, iteratorToList(json.fieldNames()));
        assertEquals(
                "shard-00000.parquet", json.get("shards").get(0).get("file").asText());
        assertEquals(3, json.get("shards").get(0).get("rows").asLong());
        assertEquals(manifest, DatasetManifest.read(dir.toString(), CONF));
    }

    @Test
    void writesNullLabelsForAnUnlabelledDataset() throws Exception {
        DatasetManifest unlabelled = new DatasetManifest(
                1,
                2,
                2,
                3,
                1,
                null,
                null,
                List.of(1.0, 2.0, 3.0),
                List.of(0.0, 0.0, 0.0),
                List.of(new DatasetManifest.Shard("shard-00000.parquet", 1)),
                "test",
                "2024-01-02T03:04:05Z",
                Map.of());
        unlabelled.write(dir.toString(), CONF);

        JsonNode json =
                new ObjectMapper().readTree(dir.resolve("_manifest.json").toFile());
        assertTrue(json.get("labelNames").isNull());
        assertTrue(json.get("classCounts").isNull());
        assertEquals(0, DatasetManifest.read(dir.toString(), CONF).numClasses());
    }

    @Test
    void toleratesFieldsFromLaterWritersButNotALaterFormatVersion() throws Exception {
        labelled().write(dir.toString(), CONF);
        Path file = dir.resolve("_manifest.json");
        String json = Files.readString(file);

        Files.writeString(file, json.replaceFirst("\\{", "{\"addedLater\": 1,"));
        assertEquals(labelled(), DatasetManifest.read(dir.toString(), CONF));

        Files.writeString(file, json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 2"));
        DatasetException error = assertThrows(DatasetException.class, () -> DatasetManifest.read(dir.toString(), CONF));
        assertTrue(error.getMessage().contains("_manifest.json has formatVersion 2"), error.getMessage());
    }

    @Test
    void namesTheFileOfABrokenManifest() throws Exception {
        Files.writeString(dir.resolve("_manifest.json"), "{\"formatVersion\": 1, \"height\": ");

        DatasetException error = assertThrows(DatasetException.class, () -> DatasetManifest.read(dir.toString(), CONF));
        assertTrue(error.getMessage().contains(dir.resolve("_manifest.json").toString()), error.getMessage());
    }

    @Test
    void rejectsClassCountsThatDoNotMatchTheLabels() {
        DatasetManifest manifest = labelled();
        new DatasetManifest(
                        1,
                        28,
                        28,
                        1,
                        3,
                        manifest.labelNames(),
                        List.of(3L),
                        manifest.channelMean(),
                        manifest.channelStd(),
                        manifest.shards(),
                        "test",
                        manifest.createdAt(),
                        Map.of())
                .write(dir.toString(), CONF);

        DatasetException error = assertThrows(DatasetException.class, () -> DatasetManifest.read(dir.toString(), CONF));
        assertTrue(error.getMessage().contains("needs classCounts with one count per label name"), error.getMessage());
    }

    private static List<String> iteratorToList(Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
