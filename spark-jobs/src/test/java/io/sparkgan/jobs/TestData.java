package io.sparkgan.jobs;

import io.sparkgan.jobs.cli.SparkGanCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** Shared fixtures for the Spark job tests: a local session and small MNIST datasets made with the real prep. */
public final class TestData {

    /** The repository's bundled MNIST. */
    public static final Path MNIST =
            Paths.get("..", "data", "mnist").toAbsolutePath().normalize();

    private static Path cache;

    private TestData() {}

    public static SparkSession localSpark() {
        return SparkSession.builder()
                .master("local[2]")
                .appName("sparkgan-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    /**
     * A {@code local-cluster} session: a master and {@code executors} workers inside this JVM, each executor a
     * process of its own with this JVM's classpath (Spark's test hooks let it run without a Spark distribution,
     * {@code sparkHome} standing in for one). Stop it with {@link #stopLocalCluster}.
     */
    public static SparkSession localCluster(Path sparkHome, int executors, String appName) throws IOException {
        Files.createDirectories(sparkHome.resolve("jars"));
        // getOrCreate would otherwise hand back a local-mode session that is still running (e.g. prep's)
        org.apache.spark.SparkContext$.MODULE$.getActive().foreach(context -> {
            context.stop();
            return null;
        });
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
        System.setProperty("spark.testing", "true");
        System.setProperty("spark.test.home", sparkHome.toString());
        return SparkSession.builder()
                .master("local-cluster[" + executors + ",1,1024]")
                .appName(appName)
                .config("spark.ui.enabled", "false")
                .config("spark.executorEnv.SPARK_SCALA_VERSION", "2.12")
                .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .getOrCreate();
    }

    /** Code that runs against an HDFS: its URI and the configuration to reach it. */
    public interface OnHdfs {
        void run(String uri, org.apache.hadoop.conf.Configuration conf) throws Exception;
    }

    /** Runs {@code body} against a one-datanode {@code MiniDFSCluster} kept under {@code baseDir}, then stops it. */
    public static void withMiniHdfs(Path baseDir, OnHdfs body) throws Exception {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
        conf.set(org.apache.hadoop.hdfs.MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.toString());
        org.apache.hadoop.hdfs.MiniDFSCluster cluster = new org.apache.hadoop.hdfs.MiniDFSCluster.Builder(conf)
                .numDataNodes(1)
                .build();
        try {
            cluster.waitActive();
            body.run(cluster.getFileSystem().getUri().toString(), conf);
        } finally {
            cluster.shutdown();
        }
    }

    public static void stopLocalCluster(SparkSession cluster) {
        cluster.stop();
        System.clearProperty("spark.testing");
        System.clearProperty("spark.test.home");
    }

    /** A dataset of the first {@code limit} MNIST training images, prepared once per JVM. */
    public static String mnist(int limit) {
        return mnist("train", limit);
    }

    /** A dataset of the first {@code limit} MNIST test images, prepared once per JVM. */
    public static String mnistTest(int limit) {
        return mnist("test", limit);
    }

    private static synchronized String mnist(String split, int limit) {
        try {
            if (cache == null) {
                cache = Files.createTempDirectory("sparkgan-test-data");
            }
            Path dataset = cache.resolve("mnist-" + (split.equals("train") ? "" : split + "-") + limit);
            if (!Files.exists(dataset)) {
                CliResult result = cli(
                        "prep",
                        "--from",
                        "mnist-idx",
                        "--input",
                        MNIST.toString(),
                        "--split",
                        split,
                        "--limit",
                        String.valueOf(limit),
                        "--output",
                        dataset.toString());
                if (result.exitCode() != 0) {
                    throw new IllegalStateException("prep failed: " + result.err());
                }
            }
            return dataset.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The first {@value #EVALUATED} MNIST training images with an evaluator stored in their {@code _evaluator/},
     * trained once per JVM (3 epochs of minibatches of 32).
     */
    public static synchronized String mnistWithEvaluator() {
        String dataset = mnist(EVALUATED);
        if (!Files.exists(Path.of(dataset, "_evaluator", "evaluator.json"))) {
            CliResult result = cli(
                    "train-evaluator",
                    "--data",
                    dataset,
                    "--test-data",
                    mnistTest(1000),
                    "--epochs",
                    "3",
                    "--batch-per-worker",
                    "32",
                    "--workers",
                    "2");
            if (result.exitCode() != 0) {
                throw new IllegalStateException("train-evaluator failed: " + result.err());
            }
        }
        return dataset;
    }

    public static final int EVALUATED = 4096;

    /**
     * The engine's options of a tiny, fast run for command-line tests, any model: 2 workers of 8 images, rounds of 2
     * steps (0.032 kimg a round), a checkpoint every 2 rounds.
     */
    public static final List<String> TINY_ROUNDS =
            List.of("--workers", "2", "--batch-per-worker", "8", "--averaging-every", "2", "--checkpoint-every", "2");

    /** {@link #TINY_ROUNDS} of a GAN whose G and D are {@code width} channels wide, latent size 8. */
    public static List<String> tinyGan(int width) {
        List<String> options = new java.util.ArrayList<>(TINY_ROUNDS);
        options.addAll(List.of("--base-width", Integer.toString(width), "--latent", "8"));
        return List.copyOf(options);
    }

    /** A tiny GAN run: {@link #TINY_ROUNDS}, G and D 4 channels wide, latent size 8. */
    public static final List<String> TINY_RUN = tinyGan(4);

    /** What a command line printed and returned. */
    public record CliResult(int exitCode, String out, String err) {}

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
            return new CliResult(
                    code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            out.print(outBytes.toString(StandardCharsets.UTF_8));
            err.print(errBytes.toString(StandardCharsets.UTF_8));
        }
    }
}
