package io.sparkgan.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.jobs.S3Server;
import io.sparkgan.jobs.TestData;
import io.sparkgan.jobs.registry.ModelRegistry;
import io.sparkgan.jobs.run.CheckpointStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prep, train, resume, generate and retrain with everything on S3 through S3A, against an S3-compatible server
 * that the test starts on the loopback address, configured as on a cluster: {@code spark.hadoop.fs.s3a.*}.
 */
class S3StorageTest {

    private static final String BUCKET = "sparkgan";

    @TempDir
    static java.nio.file.Path serverDir;

    static S3Server server;
    static SparkSession spark;
    private static String dataset;

    @BeforeAll
    static void start() throws Exception {
        server = S3Server.start(serverDir);
        server.createBucket(BUCKET);
        SparkSession.getDefaultSession().foreach(s -> {
            s.stop();
            return null;
        });
        SparkSession.Builder builder = SparkSession.builder()
                .master("local[2]")
                .appName("sparkgan-s3-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2");
        server.hadoopConf().forEach((key, value) -> builder.config("spark.hadoop." + key, value));
        spark = builder.getOrCreate();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (spark != null) {
            spark.stop();
        }
        if (server != null) {
            server.close();
        }
    }

    /** 64 MNIST images prepared onto S3 once, with an evaluator trained there for one epoch. */
    private static synchronized String dataset() {
        if (dataset == null) {
            String uri = "s3a://" + BUCKET + "/datasets/mnist-64";
            ok(TestData.cli(
                    "prep",
                    "--from",
                    "mnist-idx",
                    "--input",
                    TestData.MNIST.toString(),
                    "--limit",
                    "64",
                    "--output",
                    uri,
                    "--conf",
                    "spark.hadoop.fs.s3a.secret.key=" + S3Server.SECRET_KEY));
            // --conf says how to reach the store, not what the data is: credentials stay out of the manifest
            Map<String, String> provenance = DatasetManifest.read(uri, conf()).properties();
            assertEquals("64", provenance.get("prep.limit"), provenance.toString());
            assertFalse(provenance.toString().contains(S3Server.SECRET_KEY), provenance.toString());
            ok(TestData.cli(
                    "prep", "--validate", uri, "--conf", "spark.hadoop.fs.s3a.secret.key=" + S3Server.SECRET_KEY));
            ok(TestData.cli(
                    "train-evaluator",
                    "--data",
                    uri,
                    "--test-data",
                    uri,
                    "--epochs",
                    "1",
                    "--batch",
                    "32",
                    "--workers",
                    "2"));
            dataset = uri;
        }
        return dataset;
    }

    private static void ok(TestData.CliResult result) {
        assertEquals(0, result.exitCode(), result.err());
    }

    /** A tiny train on the S3 dataset: 2 workers x 8 images, rounds of 2 steps, a checkpoint every 2 rounds. */
    private static TestData.CliResult train(String runDir, int rounds, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                dataset(),
                "--run-dir",
                runDir,
                "--kimg",
                Double.toString(rounds * 0.032),
                "--seed",
                "7",
                "--evaluate-every",
                "0"));
        args.addAll(TestData.TINY_RUN);
        args.addAll(List.of(extra));
        return TestData.cli(args.toArray(String[]::new));
    }

    @Test
    void trainsCheckpointsResumesAndGeneratesOnS3() throws Exception {
        String runDir = "s3a://" + BUCKET + "/runs/first";
        ok(train(runDir, 2));
        String marker =
                runDir + "/" + CheckpointStore.DIR + "/" + CheckpointStore.name(4) + "/" + CheckpointStore.MARKER;
        assertTrue(fs().exists(new Path(marker)), marker);
        SortedMap<Long, String> committed = TrainingFixtures.committedMarkers(spark, runDir);
        assertEquals(List.of(4L), List.copyOf(committed.keySet()));

        ok(train(runDir, 4, "--resume"));
        // the path, not only the end: the second start began at round 2 from the checkpoint on S3
        TrainingFixtures.assertResumedFrom(spark, runDir, 4, 2, committed);
        assertEquals(
                CheckpointStore.name(8), read(runDir + "/checkpoints/latest").trim());
        assertEquals(4, read(runDir + "/metrics/train.jsonl").lines().count());

        String generated = "s3a://" + BUCKET + "/generated/first";
        ok(TestData.cli("generate", "--run-dir", runDir, "--count", "16", "--output", generated));
        DatasetManifest manifest = DatasetManifest.read(generated, conf());
        assertEquals(16, manifest.count());
        assertEquals(runDir, manifest.properties().get("run"));
        ok(TestData.cli("prep", "--validate", generated));
    }

    @Test
    void retrainPromotesIntoARegistryOnS3() throws Exception {
        String registry = "s3a://" + BUCKET + "/registry";
        List<String> args = new ArrayList<>(List.of(
                "retrain",
                "--registry",
                registry,
                "--data",
                dataset(),
                "--kimg",
                "0.064",
                "--seed",
                "7",
                "--evaluate-every",
                "0",
                "--eval-samples",
                "64"));
        args.addAll(TestData.TINY_RUN);
        ok(TestData.cli(args.toArray(String[]::new)));

        ModelRegistry opened = ModelRegistry.existing(registry, conf());
        ModelRegistry.Entry champion = opened.require("champion");
        assertEquals(1, champion.version());
        assertTrue(champion.run().startsWith(registry + "/runs/"), champion.run());
        List<JsonNode> history = opened.history();
        assertEquals(1, history.size(), history.toString());
        assertTrue(history.get(0).get("promoted").asBoolean(), history.toString());
        assertTrue(
                fs().exists(new Path(champion.run() + "/" + CheckpointStore.DIR + "/"
                        + CheckpointStore.name(champion.checkpoint()) + "/" + CheckpointStore.MARKER)),
                "the promoted checkpoint is committed");
    }

    private static Configuration conf() {
        return spark.sparkContext().hadoopConfiguration();
    }

    private static FileSystem fs() throws IOException {
        return new Path("s3a://" + BUCKET + "/").getFileSystem(conf());
    }

    private static String read(String uri) throws IOException {
        try (var in = fs().open(new Path(uri))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
