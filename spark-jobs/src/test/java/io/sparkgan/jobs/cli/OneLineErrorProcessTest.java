package io.sparkgan.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.jobs.TestData;
import io.sparkgan.jobs.TrainerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when a Spark job of a command fails on bad input, in a process of its own with the launcher's
 * logging (conf/log4j2.xml): the one error line, not Spark's ERROR log of the same failure before it.
 */
class OneLineErrorProcessTest {

    @TempDir
    Path dir;

    @Test
    void aDatasetOfTheWrongShapeIsOneErrorLineWithoutSparksLogOfTheFailedTask() throws Exception {
        String data = TestData.mnist(64);
        Path log = dir.resolve("prep.log");
        Process prep = TrainerProcess.start(
                log,
                List.of(),
                List.of(
                        "prep",
                        "--from",
                        "parquet",
                        "--input",
                        data,
                        "--shape",
                        "32x32x1",
                        "--output",
                        dir.resolve("out").toString()));
        assertTrue(prep.waitFor(3, TimeUnit.MINUTES), "prep ended");
        String printed = Files.readString(log);
        assertEquals(2, prep.exitValue(), printed);
        List<String> errors =
                printed.lines().filter(line -> line.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), printed);
        assertTrue(errors.get(0).contains("has 784 image bytes but its shape 32x32x1 needs 1024"), printed);
        assertFalse(printed.contains("\tat "), "no stack trace:\n" + printed);
        assertFalse(printed.contains(" ERROR "), "no ERROR log lines:\n" + printed);
    }
}
