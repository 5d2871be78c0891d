package io.sparkgan.jobs;

import org.apache.spark.sql.SparkSession;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Shared fixtures for the Spark job tests: a local session and small MNIST datasets made with the real prep. */
public final class TestData {

    /** The repository's bundled MNIST. */
    public static final Path MNIST = Paths.get("..", "data", "mnist").toAbsolutePath().normalize();

    private static Path cache;

    private TestData() {
    }

    public static SparkSession localSpark() {
        return SparkSession.builder().master("local[2]").appName("sparkgan-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    /** A dataset of the first {@code limit} MNIST training images, prepared once per JVM. */
    public static synchronized String mnist(int limit) {
        try {
            if (cache == null) {
                cache = Files.createTempDirectory("sparkgan-test-data");
            }
            Path dataset = cache.resolve("mnist-" + limit);
            if (!Files.exists(dataset)) {
                CliResult result = cli("prep", "--from", "mnist-idx", "--input", MNIST.toString(),
                        "--limit", String.valueOf(limit), "--output", dataset.toString());
                if (result.exitCode() != 0) {
                    throw new IllegalStateException("prep failed: " + result.err());
                }
            }
            return dataset.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a command line printed and returned. */
    public record CliResult(int exitCode, String out, String err) {
    }

    /** Runs the sparkgan command line in this JVM, capturing what it prints. */
    public static synchronized CliResult cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
        try {
            int code = SparkGanCli.run(args);
            return new CliResult(code, outBytes.toString(StandardCharsets.UTF_8),
                    errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            out.print(outBytes.toString(StandardCharsets.UTF_8));
            err.print(errBytes.toString(StandardCharsets.UTF_8));
        }
    }
}
