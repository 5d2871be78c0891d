package io.sparkgan.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.TestData;
import io.sparkgan.model.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code outcome.json}: how a training ended, for a scheduler that cannot see the driver's exit code. */
class OutcomeTest extends LocalSparkTest {

    @TempDir
    Path dir;

    /** A tiny training of {@code kimg} (0.032 a round). */
    private TestData.CliResult train(Path run, String kimg, String... extra) {
        List<String> args = new ArrayList<>(
                List.of("train", "--data", data, "--run-dir", run.toString(), "--kimg", kimg, "--seed", "3"));
        args.addAll(TestData.TINY_RUN);
        args.addAll(List.of(extra));
        return TestData.cli(args.toArray(String[]::new));
    }

    @Test
    void aTrainingRecordsHowItEndedAndNoOtherCommandWritesOverIt() throws Exception {
        Path run = dir.resolve("run");
        TestData.CliResult trained = train(run, "0.064");
        assertEquals(0, trained.exitCode(), trained.err());
        JsonNode outcome = Json.MAPPER.readTree(run.resolve("outcome.json").toFile());
        assertEquals("train", outcome.get("command").asText());
        assertEquals("trained", outcome.get("outcome").asText());
        assertEquals(0, outcome.get("exitCode").asInt());
        assertEquals(2, outcome.get("rounds").asInt());
        assertEquals("client", outcome.get("deployMode").asText());
        assertEquals(
                spark.sparkContext().applicationId(),
                outcome.get("applicationId").asText());
        TestData.CliResult read = TestData.cli("outcome", "--run-dir", run.toString());
        assertEquals(0, read.exitCode(), read.err());
        assertTrue(read.out().contains("\"outcome\" : \"trained\""), read.out());

        // a second training into the same directory without --resume/--overwrite is refused before it holds the
        // run: the run's outcome stays the one of its own training
        String before = Files.readString(run.resolve("outcome.json"));
        TestData.CliResult refused = train(run, "0.064");
        assertEquals(2, refused.exitCode());
        assertEquals(before, Files.readString(run.resolve("outcome.json")));

        // the resume that continues it records its own end
        TestData.CliResult resumed = train(run, "0.128", "--resume");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals(
                4,
                Json.MAPPER
                        .readTree(run.resolve("outcome.json").toFile())
                        .get("rounds")
                        .asInt());
    }

    @Test
    void aDirectoryWithoutARunGetsNoOutcomeAndTheCommandSaysSo() {
        Path empty = dir.resolve("never-trained");
        TestData.CliResult bad = train(empty, "0.064", "--batch-per-worker", "0");
        assertEquals(2, bad.exitCode());
        assertFalse(Files.exists(empty.resolve("outcome.json")));
        TestData.CliResult read = TestData.cli("outcome", "--run-dir", empty.toString());
        assertEquals(2, read.exitCode());
        assertTrue(read.err().contains("outcome.json does not exist"), read.err());
        TestData.CliResult both =
                TestData.cli("outcome", "--run-dir", empty.toString(), "--registry", empty.toString());
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("give one of --run-dir and --registry"), both.err());
    }
}
