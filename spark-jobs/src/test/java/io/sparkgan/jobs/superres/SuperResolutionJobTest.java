package io.sparkgan.jobs.superres;

import static io.sparkgan.jobs.StateAssertions.assertClose;
import static io.sparkgan.jobs.StateAssertions.assertMoved;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetReader;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.TestData;
import io.sparkgan.jobs.TrainerProcess;
import io.sparkgan.jobs.engine.BatchPrefetcher;
import io.sparkgan.jobs.engine.Minibatch;
import io.sparkgan.jobs.engine.RoundPlan;
import io.sparkgan.jobs.engine.ShardBlock;
import io.sparkgan.jobs.engine.ShardLoader;
import io.sparkgan.jobs.spark.RowImages;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.jobs.train.TrainingFixtures;
import io.sparkgan.jobs.train.TrainingMaster;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.ImageTensors;
import io.sparkgan.model.Json;
import io.sparkgan.model.SuperResolutionConfig;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.GraphNetwork;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.state.GanState;
import io.sparkgan.model.superres.SuperResolutionStep;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Super-resolution (train --model srgan, sparkgan upscale) on Spark local mode with real Parquet data: the engine
 * against the single-machine step, upscaling against G on the driver, and the errors for data that does not fit.
 */
class SuperResolutionJobTest extends LocalSparkTest {

    @TempDir
    static Path dir;

    private static TrainConfig config;

    /** A x2 model trained on random 16x16 crops of 28x28 digits: 2 content-only steps, then 4 adversarial ones. */
    @BeforeAll
    static void trainOneWorker() throws Exception {
        config = TrainingFixtures.tinyRun(data, dir.resolve("srgan").toString());
        config.workers = 1;
        GanModelConfig model = config.model;
        model.architecture = GanModelConfig.Architecture.SRGAN;
        model.superResolution = new SuperResolutionConfig();
        model.superResolution.scale = 2;
        model.superResolution.blocks = 1;
        model.superResolution.features = 4;
        model.superResolution.pretrainKimg = 2 * config.batchPerWorker / 1000.0;
        model.height = 16;
        model.width = 16;
        config.kimg = TrainingFixtures.kimgFor(config, 3, 1);
        TrainingFixtures.train(spark, config, TrainingMaster.Start.NEW);
    }

    @Test
    void oneWorkerEqualsTheSingleMachineStep() throws Exception {
        GanState distributed = TrainingFixtures.latestState(spark, config.runDir);
        GanModelConfig model = config.model.copy();
        model.channels = 1;
        model.seed = config.seed;
        Network g = GanNetworks.generator(model);
        SuperResolutionStep local = new SuperResolutionStep(g, GanNetworks.discriminator(model), model, null);
        GanState initial = GanState.capture(g, local.ganStep().discriminator());
        ShardBlock block =
                ShardLoader.load(DatasetReader.read(spark, data), 1).collect().get(0);
        RoundPlan plan = new RoundPlan(config.seed, 0, 6, config.batchPerWorker, 28, 28, 1, false, 0, 1, null);
        GanState afterPretraining = null;
        try (BatchPrefetcher batches = new BatchPrefetcher(block, plan)) {
            for (int i = 0; i < 6; i++) {
                Minibatch batch = batches.next();
                boolean adversarial =
                        SuperResolutionTrainer.adversarialPhase(model.superResolution, i, config.batchPerWorker);
                assertEquals(i >= 2, adversarial);
                local.step(
                        batch.real(),
                        LatentNoise.derive(config.seed, SuperResolutionTrainer.STEP_SEED, block.partition(), i),
                        adversarial);
                if (i == 1) {
                    afterPretraining = GanState.capture(g, local.ganStep().discriminator());
                }
            }
        }
        GanState single = GanState.capture(g, local.ganStep().discriminator());
        assertTrue(TrainingFixtures.latestCheckpoint(spark, config.runDir).generator() instanceof GraphNetwork);
        assertEquals(6, distributed.generatorIterations());
        assertEquals(4, distributed.discriminatorIterations(), "D trains in the adversarial phase only");
        int dStart = (int) (initial.layout().gParams() + initial.layout().gUpdater());
        int dEnd = dStart + (int) initial.layout().dParams();
        assertArrayEquals(
                java.util.Arrays.copyOfRange(initial.values(), dStart, dEnd),
                java.util.Arrays.copyOfRange(afterPretraining.values(), dStart, dEnd));
        assertMoved(afterPretraining.values(), single.values(), dStart, dEnd);
        assertClose(single.values(), distributed.values(), 1e-6);
        JsonNode last = lastLine(Path.of(config.runDir, "metrics", "train.jsonl"));
        assertTrue(last.get("pixelLoss").asDouble() > 0, last.toString());
        assertTrue(Files.exists(Path.of(config.runDir, "samples", "000000006.png")));
    }

    /** A run stopped after 2 rounds and resumed to 3 ends where the uninterrupted run ends, bit for bit. */
    @Test
    void aResumedRunEqualsTheUninterruptedOne() throws Exception {
        TrainConfig first = TrainConfig.fromJson(config.toJson());
        first.runDir = dir.resolve("resumed").toString();
        first.kimg = TrainingFixtures.kimgFor(config, 2, 1);
        TrainingFixtures.train(spark, first, TrainingMaster.Start.NEW);
        TrainConfig resumed = TrainConfig.fromJson(first.toJson());
        resumed.kimg = config.kimg;
        java.util.Map<Long, String> committed = TrainingFixtures.committedMarkers(spark, first.runDir);
        TrainingFixtures.train(spark, resumed, TrainingMaster.Start.RESUME);
        TrainingFixtures.assertResumedFrom(spark, resumed.runDir, 2L * config.averagingEvery, 2, committed);
        assertArrayEquals(
                TrainingFixtures.latestState(spark, config.runDir).values(),
                TrainingFixtures.latestState(spark, resumed.runDir).values());
    }

    /** Upscaling on 3 tasks gives G's own output for every image, bit for bit, with ids and labels kept. */
    @Test
    void distributedUpscalingEqualsTheGeneratorOnOneMachine() throws Exception {
        String output = dir.resolve("upscaled").toString();
        TestData.CliResult result = TestData.cli(
                "upscale", "--run-dir", config.runDir, "--data", data, "--output", output, "--partitions", "3");
        assertEquals(0, result.exitCode(), result.err());
        ImageDataset upscaled = DatasetReader.read(spark, output);
        assertEquals(56, upscaled.manifest().height());
        assertEquals("2", upscaled.manifest().properties().get("scale"));
        List<Row> rows = upscaled.rows().orderBy(DatasetSchema.ID).collectAsList();
        List<Row> inputs =
                DatasetReader.read(spark, data).rows().orderBy(DatasetSchema.ID).collectAsList();
        assertEquals(inputs.size(), rows.size());
        // all 64 ids fall in one batch of the job: G on the driver over the same batch
        INDArray images = RowImages.batch(
                inputs.stream().map(r -> r.<byte[]>getAs(DatasetSchema.IMAGE)).toList(), 28, 28, 1);
        byte[][] expected = ImageTensors.toPixels(TrainingFixtures.latestCheckpoint(spark, config.runDir)
                .samplingGenerator()
                .output(images));
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(
                    inputs.get(i).<Long>getAs(DatasetSchema.ID), rows.get(i).<Long>getAs(DatasetSchema.ID));
            assertEquals(DatasetSchema.label(inputs.get(i)), DatasetSchema.label(rows.get(i)));
            assertArrayEquals(expected[i], rows.get(i).<byte[]>getAs(DatasetSchema.IMAGE), "image " + i);
        }
    }

    /** Comparison pictures and sample grids show images from the whole dataset, not its first ids. */
    @Test
    void comparedImagesAreSpreadOverTheDatasetById() {
        ImageDataset dataset = DatasetReader.read(spark, data);
        List<byte[]> all = dataset.rows().orderBy(DatasetSchema.ID).collectAsList().stream()
                .map(r -> r.<byte[]>getAs(DatasetSchema.IMAGE))
                .toList();
        assertEquals(64, all.size());
        INDArray expected = RowImages.batch(List.of(all.get(0), all.get(16), all.get(32), all.get(48)), 28, 28, 1);
        assertEquals(expected, RowImages.spreadById(dataset, 4));
        assertEquals(64, RowImages.spreadById(dataset, 100).size(0), "no more images than the dataset has");
    }

    @Test
    void evaluationComparesWithBicubicOnTheOriginals() throws Exception {
        String output = dir.resolve("evaluated").toString();
        TestData.CliResult result =
                TestData.cli("upscale", "--run-dir", config.runDir, "--data", data, "--output", output, "--evaluate");
        assertEquals(0, result.exitCode(), result.err());
        JsonNode evaluation =
                Json.MAPPER.readTree(Path.of(output, Upscaling.EVALUATION).toFile());
        assertEquals(64, evaluation.get("images").asInt());
        assertEquals(
                28,
                DatasetManifest.read(output, spark.sparkContext().hadoopConfiguration())
                        .height());
        // bicubic upscaling of MNIST's smooth strokes reconstructs them well; a 6-step G does not yet
        double bicubic = evaluation.get("bicubic").get("psnr").asDouble();
        assertTrue(
                bicubic > 15 && bicubic > evaluation.get("upscaler").get("psnr").asDouble(), evaluation.toString());
        // bicubic x2 upscaling blurs digits to a third of their fine detail (0.32 on 2000 test digits)
        double bicubicDetail = evaluation.get("bicubic").get("detail").asDouble();
        assertTrue(bicubicDetail > 0.2 && bicubicDetail < 0.5, evaluation.toString());
        assertTrue(evaluation.get("upscaler").get("detail").asDouble() > 0, evaluation.toString());

        // recorded in the run, so its report shows the figures and the crops
        String report = new io.sparkgan.jobs.report.RunReport(
                        config.runDir, spark.sparkContext().hadoopConfiguration())
                .html();
        assertTrue(report.contains("<h2>Upscaling, measured on held-out images</h2>"), "the upscaling section");
        assertTrue(report.contains(String.format(
                "%.3f / %.3f", evaluation.get("upscaler").get("psnr").asDouble(), bicubic)));
        assertTrue(report.contains(String.format(
                "%.3f / %.3f", evaluation.get("upscaler").get("detail").asDouble(), bicubicDetail)));
        assertTrue(
                report.contains("in rows: the low-res input, bicubic, G's upscale, the original\" style=\"width:640px\""
                        + " src=\"data:image/png;base64,"),
                "the comparison inlined, its alt text saying what it shows");
    }

    /**
     * FID needs 2 images at least, which the evaluation finds out only after upscaling: a failure there leaves no
     * dataset that looks complete, and no line in the run's upscalings.
     */
    @Test
    void anEvaluationThatFailsLeavesNoUpscaledDataset() throws Exception {
        String one = TestData.mnist(1);
        String evaluator = dir.resolve("evaluator-of-one").toString();
        TestData.CliResult trained = TestData.cli(
                "train-evaluator",
                "--data",
                one,
                "--test-data",
                one,
                "--output",
                evaluator,
                "--epochs",
                "1",
                "--batch",
                "1",
                "--workers",
                "1");
        assertEquals(0, trained.exitCode(), trained.err());
        Path output = dir.resolve("evaluated-one");

        TestData.CliResult result = TestData.cli(
                "upscale",
                "--run-dir",
                config.runDir,
                "--data",
                one,
                "--output",
                output.toString(),
                "--evaluate",
                "--evaluator",
                evaluator);

        assertEquals(2, result.exitCode(), result.err());
        assertTrue(
                result.err().contains("FID needs at least 2 feature vectors in each set, got 1 and 1"), result.err());
        assertFalse(Files.exists(output), "no output where the evaluation failed");
        try (var siblings = Files.list(dir)) {
            assertEquals(
                    List.of(),
                    siblings.map(p -> p.getFileName().toString())
                            .filter(name -> name.contains("evaluated-one"))
                            .toList(),
                    "no temporary directory left behind");
        }
        Path upscalings = Path.of(config.runDir, Upscaling.EVALUATIONS_LOG);
        assertTrue(
                Files.notExists(upscalings)
                        || Files.readAllLines(upscalings).stream().noneMatch(line -> line.contains("evaluated-one")),
                "not recorded in the run");
    }

    /** --overwrite of an upscaled dataset that has its own trained evaluator: refused unless --drop-evaluator. */
    @Test
    void overwritingAnUpscaledDatasetKeepsItsEvaluatorUnlessToldToDropIt() throws Exception {
        Path output = dir.resolve("upscaled-with-evaluator");
        List<String> upscale = List.of(
                "upscale", "--run-dir", config.runDir, "--data", data, "--output", output.toString(), "--overwrite");
        TestData.CliResult first = TestData.cli(upscale.toArray(String[]::new));
        assertEquals(0, first.exitCode(), first.err());
        Path evaluator = Files.createDirectory(output.resolve("_evaluator"));
        Files.writeString(evaluator.resolve("evaluator.json"), "{}");

        TestData.CliResult refused = TestData.cli(upscale.toArray(String[]::new));
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains(evaluator + " holds the trained evaluator"), refused.err());
        assertTrue(Files.exists(evaluator.resolve("evaluator.json")));

        List<String> dropping = new java.util.ArrayList<>(upscale);
        dropping.add("--drop-evaluator");
        TestData.CliResult replaced = TestData.cli(dropping.toArray(String[]::new));
        assertEquals(0, replaced.exitCode(), replaced.err());
        assertTrue(Files.notExists(evaluator));
    }

    @Test
    void imagesThatDoNotFitTheModelAreRefusedNamingTheDatasetAndShape() throws Exception {
        String rgb = folderDataset("rgb", 16, 16, true);
        TestData.CliResult wrongChannels = TestData.cli(
                "upscale",
                "--run-dir",
                config.runDir,
                "--data",
                rgb,
                "--output",
                dir.resolve("x").toString());
        assertEquals(2, wrongChannels.exitCode());
        assertTrue(
                wrongChannels
                        .err()
                        .contains("dataset " + rgb + " holds 16x16x3 images but run " + config.runDir
                                + " upscales 1-channel images"),
                wrongChannels.err());
        String odd = folderDataset("odd", 15, 15, false);
        TestData.CliResult indivisible = TestData.cli(
                "upscale",
                "--run-dir",
                config.runDir,
                "--data",
                odd,
                "--output",
                dir.resolve("y").toString(),
                "--evaluate");
        assertEquals(2, indivisible.exitCode());
        assertTrue(indivisible.err().contains("shape 15x15x1 is not divisible by it"), indivisible.err());
        TestData.CliResult generate = TestData.cli(
                "generate",
                "--run-dir",
                config.runDir,
                "--output",
                dir.resolve("z").toString(),
                "--count",
                "4");
        assertEquals(2, generate.exitCode());
        assertTrue(generate.err().contains("is a super-resolution run"), generate.err());
    }

    @Test
    void aModelTooLargeForTheDriversHeapIsRefusedAtOnceWithTheFigures() throws Exception {
        // the defaults on 64x64x3 photographs: D's dense layer alone holds 8.4M parameters
        String output = refusedDefaultsOnPhotos("too-large", List.of("-Xmx1g"));
        assertTrue(
                output.contains("error: the model's training state is 157 MB (parameters and optimizer states), and"
                        + " a round of 2 workers needs about 2.4 GB of driver heap where this driver has 1.0 GB"),
                output);
        assertTrue(output.contains("a smaller model (--base-width for D, --sr-features or --sr-blocks for G)"), output);
    }

    @Test
    void aBatchTooLargeForTheProcesssMemoryLimitIsRefusedAtOnceWithTheBatchThatFits() throws Exception {
        // the defaults (64 images a step) on 64x64x3 photographs: 2 workers needed more than 20 GB (ND4J's
        // "Physical memory usage is too high" after the first steps); the heap given suffices for the round
        String output = refusedDefaultsOnPhotos(
                "too-large-batch", List.of("-Xmx3g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=4g"));
        assertTrue(output.contains("error: a step of 64 images on 2 workers at once needs about"), output);
        assertTrue(output.contains("where ND4J may use 4.0 GB"), output);
        assertTrue(output.contains("or train with --batch-per-worker 6 (needs"), output);
    }

    /**
     * The output of a trainer process with these JVM options, the defaults and 2 workers on 64x64x3 photographs,
     * checked to have been refused before it read the data or wrote the run directory.
     */
    private static String refusedDefaultsOnPhotos(String name, List<String> jvmOptions) throws Exception {
        String photos = folderDataset(name + "-photos", 64, 64, true);
        Path runDir = dir.resolve(name);
        Path log = dir.resolve(name + ".log");
        Process trainer = TrainerProcess.start(
                log,
                jvmOptions,
                List.of(
                        "train",
                        "--model",
                        "srgan",
                        "--scale",
                        "2",
                        "--data",
                        photos,
                        "--run-dir",
                        runDir.toString(),
                        "--workers",
                        "2",
                        "--master",
                        "local[2]"));
        assertTrue(trainer.waitFor(120, TimeUnit.SECONDS), "the trainer did not end");
        String output = Files.readString(log);
        assertEquals(2, trainer.exitValue(), output);
        assertFalse(output.contains("training on"), output);
        assertTrue(Files.notExists(runDir), "nothing written");
        return output;
    }

    /** A dataset prepared from a folder of 4 PNGs of the given size and colour. */
    private static String folderDataset(String name, int h, int w, boolean rgb) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(name + "-png"));
        for (int i = 0; i < 4; i++) {
            BufferedImage image =
                    new BufferedImage(w, h, rgb ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
            image.setRGB(i, i, rgb ? 0xff2040 : 0xffffff);
            ImageIO.write(image, "png", folder.resolve(i + ".png").toFile());
        }
        String output = dir.resolve(name).toString();
        TestData.CliResult prep =
                TestData.cli("prep", "--from", "image-folder", "--input", folder.toString(), "--output", output);
        assertEquals(0, prep.exitCode(), prep.err());
        return output;
    }

    private static JsonNode lastLine(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file);
        return Json.MAPPER.readTree(lines.get(lines.size() - 1));
    }
}
