package io.sparkgan.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.state.GanCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What counts as a checkpoint, what its marker records, and the best one when its pointer file was lost. */
class CheckpointStoreTest {

    @TempDir
    Path run;

    @Test
    void aSavedCheckpointVerifiesAndItsMarkerRecordsEveryFilesTrueSizeAndHash() throws Exception {
        GanModelConfig model = new GanModelConfig();
        model.baseWidth = 4;
        model.latentSize = 8;
        model.height = 28;
        model.width = 28;
        model.channels = 1;
        DriverNetworks networks = new DriverNetworks(model);
        CheckpointStore<GanCheckpoint> store =
                GanCheckpoints.store(new RunStorage(run.toString(), new Configuration()), 3);
        store.save(8, networks.checkpoint(model, Json.MAPPER.createObjectNode().put("images", 64)));

        assertNull(store.verify(8), "a checkpoint just written verifies");
        Path dir = run.resolve("checkpoints/000000008");
        JsonNode marker =
                Json.MAPPER.readTree(dir.resolve(CheckpointStore.MARKER).toFile());
        for (String file : List.of(GanCheckpoint.GENERATOR, GanCheckpoint.DISCRIMINATOR, GanCheckpoint.STATE)) {
            byte[] bytes = Files.readAllBytes(dir.resolve(file));
            assertEquals(bytes.length, marker.path(file).path("size").asLong(), file);
            assertEquals(
                    java.util.HexFormat.of()
                            .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                    .digest(bytes)),
                    marker.path(file).path("sha256").asText(),
                    file + "'s hash in the marker");
        }
    }

    @Test
    void onlyMarkedCheckpointsCountAndTheBestIsDerivedFromTheLogWhenItsPointerIsGone() throws Exception {
        for (String step : List.of("000000002", "000000004", "000000006")) {
            Files.createDirectories(run.resolve("checkpoints/" + step));
            Files.writeString(run.resolve("checkpoints/" + step + "/gan.json"), "{\"training\": {\"images\": 1}}");
        }
        Files.writeString(run.resolve("checkpoints/000000002/" + CheckpointStore.MARKER), "{}");
        Files.writeString(run.resolve("checkpoints/000000004/" + CheckpointStore.MARKER), "{}");
        // 000000006: renamed into place, killed before its marker
        Files.createDirectories(run.resolve("eval"));
        Files.writeString(
                run.resolve(RunDirectory.EVAL_LOG),
                "{\"step\": 2, \"best\": true}\n" + "{\"step\": 4, \"best\": true}\n{\"step\": 6, \"best\": true}\n");
        CheckpointStore<GanCheckpoint> store =
                GanCheckpoints.store(new RunStorage(run.toString(), new Configuration()), 3);

        assertEquals(List.of(2L, 4L), store.steps());
        assertEquals(Optional.of(4L), store.best(), "the last one marked best that exists");
        Files.writeString(run.resolve("checkpoints/best"), "000000002\n");
        assertEquals(Optional.of(2L), store.best(), "the pointer wins when it is there");
    }
}
