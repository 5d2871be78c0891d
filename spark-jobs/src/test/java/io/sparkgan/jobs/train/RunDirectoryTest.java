package io.sparkgan.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkgan.jobs.run.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run.json sparkgan cannot read is named with what in it does not parse, not with Jackson's dump. */
class RunDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void aRunOfAnotherVersionNamesItsFileAndTheUnknownField() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        // as an experimental build wrote it: a field this version does not know
        Files.writeString(run.resolve("run.json"), "{\"config\": {\"seed\": 3, \"outerRate\": 0.5}}");
        RunDirectory directory = new RunDirectory(run.toUri().toString(), new Configuration());
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> TrainConfig.storedIn(directory));
        String message = refused.getMessage();
        assertEquals(
                true,
                message.startsWith("file:" + run.resolve("run.json") + ": the run's config: unknown field 'outerRate';"
                        + " known fields there: [averagingEvery, batchPerWorker,"),
                message);
        assertEquals(true, message.endsWith("(a run of another sparkgan version?)"), message);
        assertEquals(false, message.contains("[Source:"), message);
    }
}
