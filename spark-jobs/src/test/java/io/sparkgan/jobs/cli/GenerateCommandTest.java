package io.sparkgan.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetReader;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.TestData;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.train.GanCheckpoints;
import io.sparkgan.model.ImageTensors;
import io.sparkgan.model.Json;
import io.sparkgan.model.nets.ClassConditioning;
import io.sparkgan.model.sampling.DiscriminatorRejection;
import io.sparkgan.model.state.GanCheckpoint;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** `sparkgan generate`, end to end through the command line, on runs trained here for a few steps. */
class GenerateCommandTest extends LocalSparkTest {

    @TempDir
    static Path runs;

    @TempDir
    Path dir;

    private static String conditionalRun;
    private static String plainRun;

    @BeforeAll
    static void trainRuns() {
        conditionalRun = train("conditional", "--conditional", "--ema-kimg", "0.1");
        plainRun = train("plain");
    }

    private static String train(String name, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                data,
                "--run-dir",
                runs.resolve(name).toString(),
                "--workers",
                "2",
                "--batch-per-worker",
                "16",
                "--averaging-every",
                "2",
                "--base-width",
                "8",
                "--latent",
                "16",
                "--checkpoint-every",
                "1",
                "--kimg",
                "0.128"));
        args.addAll(List.of(more));
        TestData.CliResult trained = TestData.cli(args.toArray(String[]::new));
        assertEquals(0, trained.exitCode(), trained.err());
        return runs.resolve(name).toString();
    }

    private String generate(String run, String output, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "generate", "--run-dir", run, "--output", dir.resolve(output).toString()));
        args.addAll(List.of(more));
        TestData.CliResult result = TestData.cli(args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.err());
        return dir.resolve(output).toString();
    }

    /** id, label and pixels of every row, ordered by id. */
    private static List<Row> rows(String dataset) {
        return DatasetReader.read(spark, dataset)
                .rows()
                .select(DatasetSchema.ID, DatasetSchema.LABEL, DatasetSchema.IMAGE)
                .orderBy(DatasetSchema.ID)
                .collectAsList();
    }

    private static boolean sameRows(List<Row> a, List<Row> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).getLong(0) != b.get(i).getLong(0)
                    || !java.util.Objects.equals(a.get(i).get(1), b.get(i).get(1))
                    || !Arrays.equals(
                            (byte[]) a.get(i).get(2), (byte[]) b.get(i).get(2))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void classCountsAreExactTheOutputValidatesAndTheSameSeedGivesTheSameDataset() {
        String a = generate(
                conditionalRun,
                "a",
                "--count",
                "1000",
                "--classes",
                "0:0.5,3:0.3,7:0.2",
                "--partitions",
                "3",
                "--seed",
                "5");
        DatasetManifest manifest = DatasetManifest.read(a, spark.sparkContext().hadoopConfiguration());
        assertEquals(1000, manifest.count());
        assertEquals(List.of(500L, 0L, 0L, 300L, 0L, 0L, 0L, 200L, 0L, 0L), manifest.classCounts());
        assertEquals(3, manifest.shards().size(), "one shard per partition");
        assertEquals("5", manifest.properties().get("seed"));
        assertEquals("true", manifest.properties().get("ema"), "the run has a moving average: used by default");
        assertEquals("0:0.5,3:0.3,7:0.2", manifest.properties().get("classMix"));
        assertEquals(
                CheckpointStoreSteps.latest(conditionalRun),
                manifest.properties().get("checkpoint"));
        TestData.CliResult validated = TestData.cli("prep", "--validate", a);
        assertEquals(0, validated.exitCode(), validated.err() + validated.out());

        String b = generate(
                conditionalRun,
                "b",
                "--count",
                "1000",
                "--classes",
                "0:0.5,3:0.3,7:0.2",
                "--partitions",
                "2",
                "--seed",
                "5");
        List<Row> rowsA = rows(a);
        assertTrue(sameRows(rowsA, rows(b)), "same seed, other partitioning: the same dataset");
        assertEquals(1000, rowsA.stream().map(r -> r.getLong(0)).distinct().count());
        String c = generate(conditionalRun, "c", "--count", "1000", "--classes", "0:0.5,3:0.3,7:0.2", "--seed", "6");
        assertFalse(sameRows(rowsA, rows(c)), "another seed, other images");
        String raw = generate(
                conditionalRun, "raw", "--count", "1000", "--classes", "0:0.5,3:0.3,7:0.2", "--seed", "5", "--no-ema");
        assertFalse(sameRows(rowsA, rows(raw)), "the trained G is not its average");

        TestData.CliResult refused =
                TestData.cli("generate", "--run-dir", conditionalRun, "--output", a, "--count", "10");
        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().contains("already exists; pass --overwrite"), refused.err());
        generate(conditionalRun, "a", "--count", "10", "--overwrite");
        assertEquals(
                10,
                DatasetManifest.read(a, spark.sparkContext().hadoopConfiguration())
                        .count());
    }

    @Test
    void theRealMixIsTheTrainingDatasMixAndRejectionKeepsWhatDScoresHighest() throws Exception {
        String kept =
                generate(conditionalRun, "kept", "--count", "600", "--classes", "real", "--keep-fraction", "0.25");
        DatasetManifest trainingData =
                DatasetManifest.read(data, spark.sparkContext().hadoopConfiguration());
        DatasetManifest manifest =
                DatasetManifest.read(kept, spark.sparkContext().hadoopConfiguration());
        double[] realShares =
                trainingData.classCounts().stream().mapToDouble(n -> n / 64.0).toArray();
        assertEquals(
                Arrays.stream(io.sparkgan.model.sampling.ClassLayout.apportion(realShares, 600))
                        .boxed()
                        .toList(),
                manifest.classCounts());
        assertEquals("0.25", manifest.properties().get("keepFraction"));
        assertTrue(manifest.properties().get("filter").startsWith("discriminator rejection sampling"));
        String all = generate(conditionalRun, "all", "--count", "600", "--classes", "real");

        GanCheckpoint checkpoint = GanCheckpoints.store(
                        new RunStorage(conditionalRun, spark.sparkContext().hadoopConfiguration()), 100)
                .load(Long.parseLong(CheckpointStoreSteps.latest(conditionalRun)));
        double keptScore = meanScore(checkpoint, rows(kept));
        double allScore = meanScore(checkpoint, rows(all));
        System.out.printf("mean D score: kept %.4f, unfiltered %.4f%n", keptScore, allScore);
        assertTrue(keptScore > allScore, "kept " + keptScore + " vs unfiltered " + allScore);
    }

    private static double meanScore(GanCheckpoint checkpoint, List<Row> rows) {
        byte[] pixels = new byte[rows.size() * 28 * 28];
        int[] labels = new int[rows.size()];
        int[] indexes = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy((byte[]) rows.get(i).get(2), 0, pixels, i * 784, 784);
            labels[i] = rows.get(i).getInt(1);
            indexes[i] = i;
        }
        INDArray images = ImageTensors.batch(pixels, indexes, 28, 28, 1);
        return Arrays.stream(DiscriminatorRejection.scores(
                        checkpoint.discriminator(),
                        checkpoint.config(),
                        images,
                        ClassConditioning.oneHot(labels, 10, DataType.FLOAT)))
                .average()
                .orElseThrow();
    }

    @Test
    void pngExportWritesClassFoldersAndAContactSheet() throws Exception {
        String png = generate(conditionalRun, "png", "--count", "300", "--format", "png");
        for (int c = 0; c < 10; c++) {
            try (Stream<Path> files = Files.list(Path.of(png, Integer.toString(c)))) {
                assertEquals(
                        30, files.filter(f -> f.toString().endsWith(".png")).count(), "class " + c);
            }
        }
        BufferedImage one = ImageIO.read(
                Files.list(Path.of(png, "4")).findFirst().orElseThrow().toFile());
        assertEquals(28, one.getWidth());
        BufferedImage sheet = ImageIO.read(Path.of(png, "contact-sheet.png").toFile());
        assertEquals(10 * 29 + 1, sheet.getHeight(), "one row per class");
        JsonNode description =
                Json.MAPPER.readTree(Path.of(png, "_generation.json").toFile());
        assertEquals(300, description.get("count").asInt());

        String plain = generate(plainRun, "plain-png", "--count", "20", "--format", "png");
        try (Stream<Path> files = Files.list(Path.of(plain, "images"))) {
            assertEquals(20, files.count());
        }
        // --overwrite replaces an export, never a directory of another kind
        generate(plainRun, "plain-png", "--count", "5", "--format", "png", "--overwrite");
        try (Stream<Path> files = Files.list(Path.of(plain, "images"))) {
            assertEquals(5, files.count());
        }
        TestData.CliResult notAnExport = TestData.cli(
                "generate", "--run-dir", plainRun, "--output", data, "--count", "5", "--format", "png", "--overwrite");
        assertEquals(2, notAnExport.exitCode());
        assertTrue(notAnExport.err().contains("is not a sparkgan PNG export"), notAnExport.err());
    }

    @Test
    void aSyntheticDatasetTrainsAndComparesLikeARealOne() {
        String synthetic = generate(conditionalRun, "synthetic", "--count", "256");
        TestData.CliResult trained = TestData.cli(
                "train",
                "--data",
                synthetic,
                "--run-dir",
                dir.resolve("on-synthetic").toString(),
                "--workers",
                "2",
                "--batch-per-worker",
                "16",
                "--averaging-every",
                "2",
                "--base-width",
                "8",
                "--latent",
                "16",
                "--kimg",
                "0.064",
                "--conditional");
        assertEquals(0, trained.exitCode(), trained.err());
        String unconditional = generate(plainRun, "unconditional", "--count", "100", "--partitions", "1");
        DatasetManifest manifest =
                DatasetManifest.read(unconditional, spark.sparkContext().hadoopConfiguration());
        assertFalse(manifest.labelled());
        assertEquals("false", manifest.properties().get("ema"));
        assertEquals(1, manifest.shards().size());
    }

    /** A synthetic dataset someone trained an evaluator on: --overwrite keeps it unless told to drop it. */
    @Test
    void overwriteKeepsTheOutputsTrainedEvaluatorUnlessToldToDropIt() throws Exception {
        String output = generate(plainRun, "with-evaluator", "--count", "10");
        Path evaluator = Files.createDirectory(Path.of(output, "_evaluator"));
        Files.writeString(evaluator.resolve("evaluator.json"), "{}");

        TestData.CliResult refused =
                TestData.cli("generate", "--run-dir", plainRun, "--output", output, "--count", "20", "--overwrite");
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains(evaluator + " holds the trained evaluator"), refused.err());
        assertTrue(Files.exists(evaluator.resolve("evaluator.json")));
        assertEquals(
                10,
                DatasetManifest.read(output, spark.sparkContext().hadoopConfiguration())
                        .count());

        generate(plainRun, "with-evaluator", "--count", "20", "--overwrite", "--drop-evaluator");
        assertEquals(
                20,
                DatasetManifest.read(output, spark.sparkContext().hadoopConfiguration())
                        .count());
        assertFalse(Files.exists(evaluator));
    }

    @Test
    void badOptionsAreNamedBeforeAnythingIsWritten() {
        String out = dir.resolve("never").toString();
        String[][] cases = {
            {"--count", "0"},
            {"--count", "10", "--keep-fraction", "0"},
            {"--count", "10", "--format", "jpg"},
            {"--count", "10", "--classes", "0:0.5,x:0.5"},
            {"--count", "10", "--classes", "0:0.5,3:0.4"},
            {"--count", "10", "--checkpoint", "12345"},
            {"--count", "10", "--drop-evaluator"}
        };
        String[] expected = {
            "--count must be >= 1",
            "--keep-fraction must be in (0, 1]",
            "--format must be",
            "no class 'x'",
            "sum to",
            "no checkpoint at step 12345",
            "--drop-evaluator needs --overwrite"
        };
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new ArrayList<>(List.of("generate", "--run-dir", conditionalRun, "--output", out));
            args.addAll(List.of(cases[i]));
            TestData.CliResult result = TestData.cli(args.toArray(String[]::new));
            assertEquals(2, result.exitCode(), String.join(" ", cases[i]));
            assertTrue(result.err().contains(expected[i]), result.err());
        }
        TestData.CliResult classesOfNothing = TestData.cli(
                "generate", "--run-dir", plainRun, "--output", out, "--count", "10", "--classes", "uniform");
        assertTrue(classesOfNothing.err().contains("--classes needs a conditional run"), classesOfNothing.err());
        TestData.CliResult noAverage =
                TestData.cli("generate", "--run-dir", plainRun, "--output", out, "--count", "10", "--ema");
        assertTrue(noAverage.err().contains("without a moving average"), noAverage.err());
        assertFalse(Files.exists(Path.of(out)));
    }

    /** The latest checkpoint step of a run, as the manifest records it. */
    private static final class CheckpointStoreSteps {
        static String latest(String run) {
            try {
                List<Long> steps = GanCheckpoints.store(
                                new RunStorage(run, spark.sparkContext().hadoopConfiguration()), 100)
                        .steps();
                return Long.toString(steps.get(steps.size() - 1));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
