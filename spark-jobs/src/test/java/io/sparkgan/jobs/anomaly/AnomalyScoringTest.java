package io.sparkgan.jobs.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.data.DatasetReader;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.DatasetWriter;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.TestData;
import io.sparkgan.jobs.gan.GanTraining;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.train.GanCheckpoints;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.jobs.train.TrainingFixtures;
import io.sparkgan.jobs.train.TrainingMaster;
import io.sparkgan.model.Json;
import io.sparkgan.model.anomaly.AnomalyScores;
import io.sparkgan.model.anomaly.EncoderConfig;
import io.sparkgan.model.anomaly.FrozenGan;
import io.sparkgan.model.state.GanCheckpoint;
import io.sparkgan.model.state.NetworkState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GAN trained on two MNIST digits only, its f-AnoGAN encoder trained on the engine, and the scoring job: the
 * scores equal single-machine scoring whatever the partitioning, the encoder resumes exactly, and misuse gets a
 * clear error before any work.
 */
class AnomalyScoringTest extends LocalSparkTest {

    @TempDir
    static Path dir;

    private static String run;

    @BeforeAll
    static void trainGanAndEncoder() throws Exception {
        run = dir.resolve("run").toString();
        TrainConfig config = TrainingFixtures.tinyRun(data, run);
        config.kimg = 0.064;
        config.evaluateEvery = 0;
        config.normalClasses = List.of(0, 1);
        new TrainingMaster(spark, config, new GanTraining(), TrainingMaster.Start.NEW).train();
        EncoderConfig encoder = new EncoderConfig();
        encoder.lr = 4e-4;
        new EncoderTraining(spark, run).train(null, encoder, 0.064, 1, false);
    }

    @Test
    void theGanTrainedOnTheNormalClassesOnly() throws Exception {
        JsonNode round = Json.MAPPER.readTree(
                Files.readAllLines(Path.of(run, "metrics", "train.jsonl")).get(0));
        // 2 workers x 2 steps x 8 images per round
        assertEquals(0.032, round.get("kimg").asDouble(), 1e-9);
        long normal = DatasetReader.read(spark, data)
                .rows()
                .filter(org.apache.spark.sql.functions.col(DatasetSchema.LABEL).isin(0, 1))
                .count();
        assertTrue(normal > 0 && normal < 64, "normal rows " + normal);
    }

    @Test
    void scoresAreTheSameOnAnyPartitioningAndEqualSingleMachineScoring() throws Exception {
        String one = score("one", "1", "--anomalous-classes", "2,3,4,5,6,7,8,9");
        String three = score("three", "3", "--normal-classes", "0,1");
        List<Row> first = rows(one);
        List<Row> second = rows(three);
        assertEquals(64, first.size());
        assertEquals(first, second);

        // on the driver, without Spark: the latest encoder against the GAN checkpoint it was trained for
        RunStorage storage = new RunStorage(run, spark.sparkContext().hadoopConfiguration());
        EncoderTraining.Loaded encoder = EncoderTraining.latest(storage);
        GanCheckpoint gan = GanCheckpoints.store(storage, 10).load(encoder.ganCheckpoint());
        FrozenGan frozen = FrozenGan.of(gan.config(), gan.samplingGenerator(), gan.discriminator());
        ImageDataset dataset = DatasetReader.read(spark, data);
        List<Row> images = dataset.rows()
                .select(DatasetSchema.ID, DatasetSchema.LABEL, DatasetSchema.IMAGE)
                .orderBy(DatasetSchema.ID)
                .collectAsList();
        AnomalyScores.Score[] local = AnomalyScores.encoder(
                encoder.network(), frozen, ScoringPass.images(images, 28, 28, 1), encoder.config().kappa);
        double[] expected = new double[local.length];
        double[] actual = new double[local.length];
        for (int i = 0; i < local.length; i++) {
            expected[i] = local[i].score();
            actual[i] = first.get(i).getDouble(2);
            assertEquals(images.get(i).getLong(0), first.get(i).getLong(0));
        }
        assertArrayEquals(expected, actual, 1e-6 * max(expected));

        JsonNode summary =
                Json.MAPPER.readTree(Path.of(one, AnomalyScoring.MANIFEST).toFile());
        assertEquals(encoder.ganCheckpoint(), summary.get("ganCheckpoint").asLong());
        assertEquals("encoder", summary.get("settings").get("method").asText());
        // given as a plain path, recorded qualified: read back under another fs.defaultFS it names the same data
        assertEquals("file:" + data, summary.get("data").asText());
        assertTrue(summary.has("auroc") && summary.has("threshold"), summary.toString());
        assertEquals(
                summary.get("auroc"),
                Json.MAPPER
                        .readTree(Path.of(three, AnomalyScoring.MANIFEST).toFile())
                        .get("auroc"));
        assertTrue(ImageIO.read(Path.of(one, "roc.png").toFile()).getWidth() > 0);
        // 8 highest over their reconstructions, 8 lowest over theirs: 4 rows of 8 images of 28 pixels
        assertTrue(ImageIO.read(Path.of(one, "extremes.png").toFile()).getHeight() >= 4 * 28);
        assertTrue(
                ImageIO.read(Path.of(one, AnomalyScoring.DISTRIBUTION).toFile()).getWidth() > 0);

        // each scoring is recorded in the run, and its report shows the latest one's pictures
        List<JsonNode> recorded = io.sparkgan.jobs.run.MetricsLog.existing(
                        new io.sparkgan.jobs.run.RunStorage(
                                run, spark.sparkContext().hadoopConfiguration()),
                        AnomalyScoring.SCORINGS_LOG)
                .entries();
        assertTrue(
                recorded.stream()
                        .anyMatch(l -> l.get("output")
                                        .asText()
                                        .endsWith(Path.of(one).getFileName().toString())
                                && l.get("auroc").equals(summary.get("auroc"))),
                recorded.toString());
        String report =
                new io.sparkgan.jobs.report.RunReport(run, spark.sparkContext().hadoopConfiguration()).html();
        assertTrue(report.contains("<h2>Anomaly scores</h2>"));
        // whichever scoring of this class ran last, its score distribution is always written
        assertTrue(report.contains("<img alt=\"distribution of the anomaly scores of normal and anomalous images ("));
        assertTrue(report.contains(")\" style=\"width:480px\" src=\"data:image/png;base64,"));
    }

    @Test
    void theLatentSearchScoresTooAndIsRepeatable() throws Exception {
        String a = score("latent-a", "2", "--method", "latent", "--iterations", "5", "--limit", "40");
        String b = score("latent-b", "1", "--method", "latent", "--iterations", "5", "--limit", "40");
        List<Row> first = rows(a);
        assertEquals(40, first.size());
        assertEquals(39, first.get(39).getLong(0), "the first 40 ids");
        assertEquals(first, rows(b));
    }

    @Test
    void aResumedEncoderEndsWhereAnUninterruptedOneDoes() throws Exception {
        // the same GAN run copied twice: one encoder trained in one go, one stopped after a round and resumed
        Path straight = copyOfGanRun("straight");
        Path resumed = copyOfGanRun("resumed");
        EncoderConfig config = new EncoderConfig();
        config.lr = 4e-4;
        new EncoderTraining(spark, straight.toString()).train(null, config, 0.064, 1, false);
        new EncoderTraining(spark, resumed.toString()).train(null, config, 0.032, 1, false);
        var hadoop = spark.sparkContext().hadoopConfiguration();
        EncoderTraining.Loaded stopped = EncoderTraining.latest(new RunStorage(resumed.toString(), hadoop));
        List<String> checkpointsBefore = encoderCheckpoints(resumed);
        EncoderTraining.Summary summary =
                new EncoderTraining(spark, resumed.toString()).train(null, config, 0.064, 1, true);
        // the path, not only the end (a restart from round 0 would end with the same bits)
        assertEquals(stopped.round() + 1, summary.firstRound(), "the round the resumed encoder started at");
        assertEquals(
                NetworkState.capture(stopped.network()).sha256(),
                summary.loadedStateSha256(),
                "the state it loaded is its latest checkpoint's");
        assertTrue(encoderCheckpoints(resumed).containsAll(checkpointsBefore), "checkpoints kept");
        NetworkState a = NetworkState.capture(EncoderTraining.latest(new RunStorage(straight.toString(), hadoop))
                .network());
        NetworkState b = NetworkState.capture(EncoderTraining.latest(new RunStorage(resumed.toString(), hadoop))
                .network());
        assertArrayEquals(a.values(), b.values(), 0f);
        assertEquals(a.iterations(), b.iterations());
    }

    private static List<String> encoderCheckpoints(Path run) throws IOException {
        try (var listing = Files.list(run.resolve(EncoderTraining.CHECKPOINTS))) {
            return listing.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void misuseGetsAClearErrorNamingWhatIsWrong() throws Exception {
        Path noEncoder = copyOfGanRun("no-encoder");
        TestData.CliResult missing = TestData.cli(
                "score",
                "--run-dir",
                noEncoder.toString(),
                "--data",
                data,
                "--output",
                dir.resolve("x").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("train-encoder"), missing.err());

        String points = dataset(
                "points",
                List.of(
                        RowFactory.create(0L, null, 1, 2, 1, new byte[] {1, 2}),
                        RowFactory.create(1L, null, 1, 2, 1, new byte[] {3, 4})));
        TestData.CliResult shape = TestData.cli(
                "score",
                "--run-dir",
                run,
                "--data",
                points,
                "--output",
                dir.resolve("y").toString());
        assertEquals(2, shape.exitCode());
        assertTrue(shape.err().contains(points) && shape.err().contains("28x28x1"), shape.err());

        String unlabelledMnist = dataset(
                "unlabelled",
                DatasetReader.read(spark, data)
                        .rows()
                        .withColumn(
                                DatasetSchema.LABEL,
                                org.apache.spark.sql.functions.lit(null).cast("int"))
                        .collectAsList());
        TestData.CliResult unlabelled = TestData.cli(
                "score",
                "--run-dir",
                run,
                "--data",
                unlabelledMnist,
                "--output",
                dir.resolve("z").toString(),
                "--anomalous-classes",
                "3");
        assertEquals(2, unlabelled.exitCode());
        assertTrue(unlabelled.err().contains("has no labels"), unlabelled.err());
        assertTrue(
                !Files.exists(dir.resolve("x")) && !Files.exists(dir.resolve("y")) && !Files.exists(dir.resolve("z")));
    }

    /** A dataset of these rows, written with the project's writer (unlabelled: no label names). */
    private static String dataset(String name, List<Row> rows) {
        String path = dir.resolve(name).toString();
        new DatasetWriter(spark, path, 1, false)
                .write(spark.createDataFrame(rows, DatasetSchema.SCHEMA), null, name, java.util.Map.of());
        return path;
    }

    private static String score(String name, String partitions, String... extra) {
        String output = dir.resolve(name).toString();
        String[] base = {"score", "--run-dir", run, "--data", data, "--output", output, "--partitions", partitions};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        TestData.CliResult result = TestData.cli(args);
        assertEquals(0, result.exitCode(), result.err());
        return output;
    }

    private static List<Row> rows(String output) {
        return spark.read()
                .parquet(output + "/scores")
                .orderBy(DatasetSchema.ID)
                .collectAsList();
    }

    /** The GAN run without its encoder. */
    private static Path copyOfGanRun(String name) throws Exception {
        Path copy = dir.resolve(name);
        try (var paths = Files.walk(Path.of(run))) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path relative = Path.of(run).relativize(source);
                if (relative.startsWith("encoder")
                        || source.getFileName().toString().equals("run.lock")) {
                    continue;
                }
                Path target = copy.resolve(relative);
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        // run.json names the run directory it was made for; only the copy's own path matters to the jobs
        return copy;
    }

    private static double max(double[] values) {
        double m = 0;
        for (double v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return Math.max(m, 1e-12);
    }
}
