package io.sparkgan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Option errors: reported by picocli, naming the option, before any Spark session exists. */
class PrepCommandTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "--resize, 28, expected HxW",
        "--resize, 0x28, positive",
        "--channels, 2, expected 1 (gray) or 3 (RGB)",
        "--from, foo, 'expected one of mnist-idx, image-folder, spark-image, parquet'",
        "--split, validation, 'expected one of train, test'",
        "--shape, 28x28x2, channels must be 1 or 3",
    })
    void rejectsBadOptionValuesNamingTheOption(String option, String value, String explanation) {
        PrepRun run = PrepRun.of("--from", "parquet", "--input", "in", "--output", "out", option, value);

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("Invalid value for option '" + option + "'"), run::toString);
        assertTrue(run.err().contains(explanation), run::toString);
    }

    @Test
    void namesMissingRequiredOptions() {
        PrepRun run = PrepRun.of("--from", "mnist-idx", "--input", "in");

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("Missing required options: --output"), run::toString);
    }

    @Test
    void rejectsAnOptionOfAnotherSource() {
        PrepRun run = PrepRun.of("--from", "parquet", "--input", "in", "--output", "out", "--split", "test");

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--split applies only to --from mnist-idx"), run::toString);
    }

    @Test
    void rejectsPrepOptionsWithValidate() {
        PrepRun run = PrepRun.of("--validate", "ds", "--limit", "5");

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(
                run.err()
                        .contains(
                                "--validate takes no other options than --conf, --master, --name, --verbose, but got --limit"),
                run::toString);
    }

    @Test
    void helpListsTheOptions() {
        PrepRun run = PrepRun.of("--help");

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("Usage: prep"), run::toString);
        assertTrue(run.out().contains("--from=SOURCE"), run::toString);
    }
}
