package io.sparkgan.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `sparkgan train` end to end through the command line, and its answers to bad input. */
class TrainCommandTest extends LocalSparkTest {

    @TempDir
    Path dir;

    @Test
    void trainsFromAYamlConfigWithFlagsOnTopAndSavesTheEffectiveConfig() throws Exception {
        Path config = dir.resolve("run.yaml");
        Files.writeString(
                config,
                "batchPerWorker: 8\naveragingEvery: 2\ncheckpointEvery: 1\nsampleCount: 4\n"
                        + "model:\n  baseWidth: 4\n  latentSize: 8\n");
        Path runDir = dir.resolve("run");
        TestData.CliResult result = TestData.cli(
                "train",
                "--config",
                config.toString(),
                "--data",
                data,
                "--run-dir",
                runDir.toString(),
                "--workers",
                "2",
                "--kimg",
                "0.032",
                "--lr-g",
                "1e-3",
                "--architecture",
                "DCGAN_K5");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("samples"), result.out());
        String runJson = Files.readString(runDir.resolve("run.json"));
        assertTrue(
                runJson.contains("\"lrG\" : 0.001")
                        && runJson.contains("\"baseWidth\" : 4")
                        && runJson.contains("\"architecture\" : \"DCGAN_K5\"")
                        && runJson.contains("\"height\" : 28"),
                runJson);
        assertTrue(Files.exists(runDir.resolve("samples/000000002.png")));
        assertTrue(Files.exists(runDir.resolve("checkpoints/000000002/gan.json")));
    }

    @Test
    void resumeKeepsTheSavedOptionsAndRefusesConflictingOnes() throws Exception {
        Path runDir = dir.resolve("resumed");
        String[] first = {
            "train",
            "--data",
            data,
            "--run-dir",
            runDir.toString(),
            "--workers",
            "2",
            "--batch-per-worker",
            "8",
            "--averaging-every",
            "2",
            "--base-width",
            "4",
            "--latent",
            "8",
            "--kimg",
            "0.064"
        }; // 2 rounds of 2 workers x 2 steps x 8 images
        assertEquals(0, TestData.cli(first).exitCode());

        TestData.CliResult resumed =
                TestData.cli("train", "--run-dir", runDir.toString(), "--resume", "--kimg", "0.128");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals(
                4, Files.readAllLines(runDir.resolve("metrics/train.jsonl")).size());

        TestData.CliResult conflicting =
                TestData.cli("train", "--run-dir", runDir.toString(), "--resume", "--kimg", "0.256", "--seed", "1");
        assertEquals(2, conflicting.exitCode());
        assertTrue(conflicting.err().contains("differ"), conflicting.err());
    }

    @Test
    void aMissingDatasetIsNamedBeforeAnythingIsWritten() {
        Path runDir = dir.resolve("never");
        TestData.CliResult result =
                TestData.cli("train", "--data", dir.resolve("no-such-data").toString(), "--run-dir", runDir.toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("no-such-data"), result.err());
        assertTrue(Files.notExists(runDir), "nothing written for a failed start");
    }

    @Test
    void anEmptyDatasetDirectoryIsNotADataset() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        TestData.CliResult result = TestData.cli(
                "train",
                "--data",
                empty.toString(),
                "--run-dir",
                dir.resolve("run").toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("_manifest.json"), result.err());
    }

    @Test
    void aShardWithTheWrongSchemaIsNamedBeforeTraining() throws Exception {
        Path copy = copyOfData("wrong-schema");
        // a shard written by another tool with the image as a string column
        Path written = dir.resolve("written");
        spark.sql("select id, label, height, width, channels, cast(image as string) as image from parquet.`"
                        + copy.resolve("shard-00000.parquet") + "`")
                .coalesce(1)
                .write()
                .parquet(written.toString());
        try (var parts = Files.list(written)) {
            Path part = parts.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .findFirst()
                    .orElseThrow();
            Files.move(part, copy.resolve("shard-00000.parquet"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(copy.resolve(".shard-00000.parquet.crc"));
        }
        TestData.CliResult result = TestData.cli(
                "train",
                "--data",
                copy.toString(),
                "--run-dir",
                dir.resolve("run").toString(),
                "--kimg",
                "0.016",
                "--base-width",
                "4");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("shard-00000.parquet") && result.err().contains("image"), result.err());
        assertTrue(Files.notExists(dir.resolve("run")));
    }

    @Test
    void aDatasetThatDisagreesWithItsManifestIsRefusedAndAnOverwrittenRunSurvives() throws Exception {
        Path copy = copyOfData("miscounted");
        Path manifest = copy.resolve("_manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"count\" : 64", "\"count\" : 65"));
        Path runDir = Files.createDirectories(dir.resolve("previous-run"));
        Files.writeString(runDir.resolve("run.json"), "{}");
        TestData.CliResult result = TestData.cli(
                "train",
                "--data",
                copy.toString(),
                "--run-dir",
                runDir.toString(),
                "--overwrite",
                "--kimg",
                "0.016",
                "--base-width",
                "4");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("64 rows") && result.err().contains("65"), result.err());
        assertEquals("{}", Files.readString(runDir.resolve("run.json")), "a failed start keeps the old run");
    }

    @Test
    void overwriteRefusesADirectoryThatHoldsNoRun() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve("thesis.tex"), "years of work");
        TestData.CliResult result = TestData.cli(
                "train",
                "--data",
                data,
                "--run-dir",
                home.toString(),
                "--overwrite",
                "--kimg",
                "0.016",
                "--base-width",
                "4");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains(home.toString()) && result.err().contains("run.json"), result.err());
        assertEquals("years of work", Files.readString(home.resolve("thesis.tex")));
    }

    @Test
    void overwriteReplacesARunAndAnEmptyDirectory() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty-run"));
        String[] options = tinyTrain(empty, "--overwrite", "--kimg", "0.016", "--workers", "1");
        TestData.CliResult first = TestData.cli(options);
        assertEquals(0, first.exitCode(), first.err());
        String firstId = Files.readString(empty.resolve("run.json"));
        TestData.CliResult second = TestData.cli(options);
        assertEquals(0, second.exitCode(), second.err());
        assertTrue(!Files.readString(empty.resolve("run.json")).equals(firstId), "a new run replaced the old");
    }

    @Test
    void aSecondTrainerOnARunIsRefusedNamingTheFirst() throws Exception {
        Path runDir = dir.resolve("busy");
        assertEquals(
                0,
                TestData.cli(tinyTrain(runDir, "--workers", "1", "--kimg", "0.016"))
                        .exitCode());
        assertTrue(Files.notExists(runDir.resolve("run.lock")), "a finished trainer releases its lock");
        String lock = "{\"host\": \"" + java.net.InetAddress.getLocalHost().getHostName() + "\", \"pid\": "
                + ProcessHandle.current().pid() + ", \"runId\": \"r\", \"since\": \"2026-12-05T00:00:00Z\"}";
        Files.writeString(runDir.resolve("run.lock"), lock);
        String metrics = Files.readString(runDir.resolve("metrics/train.jsonl"));

        TestData.CliResult second =
                TestData.cli("train", "--run-dir", runDir.toString(), "--resume", "--kimg", "0.032");
        assertEquals(5, second.exitCode(), second.err());
        assertTrue(second.err().contains("pid " + ProcessHandle.current().pid()), second.err());
        TestData.CliResult broken =
                TestData.cli("train", "--run-dir", runDir.toString(), "--resume", "--kimg", "0.032", "--break-lock");
        assertEquals(5, broken.exitCode(), "the holder is alive on this host: " + broken.err());
        assertEquals(metrics, Files.readString(runDir.resolve("metrics/train.jsonl")), "nothing written");
        assertEquals(lock, Files.readString(runDir.resolve("run.lock")));
    }

    @Test
    void theSeedSeedsTheWeightsAndTheResolvedNumberOfWorkersIsRecorded() throws Exception {
        Path runDir = dir.resolve("seeded");
        TestData.CliResult trained = TestData.cli(tinyTrain(runDir, "--seed", "5", "--kimg", "0.032"));
        assertEquals(0, trained.exitCode(), trained.err());
        var run = io.sparkgan.model.Json.MAPPER
                .readTree(runDir.resolve("run.json").toFile())
                .get("config");
        assertEquals(5, run.get("model").get("seed").asLong(), "the weights are seeded by --seed");
        int slots = spark.sparkContext().defaultParallelism();
        assertEquals(slots, run.get("workers").asInt(), "the default (the task slots) resolved and recorded");

        TestData.CliResult other = TestData.cli(
                "train",
                "--run-dir",
                runDir.toString(),
                "--resume",
                "--kimg",
                "0.064",
                "--workers",
                String.valueOf(slots + 1));
        assertEquals(2, other.exitCode());
        assertTrue(other.err().contains(slots + " workers") && other.err().contains("--change-workers"), other.err());

        TestData.CliResult changed = TestData.cli(
                "train",
                "--run-dir",
                runDir.toString(),
                "--resume",
                "--kimg",
                "0.064",
                "--workers",
                "1",
                "--change-workers");
        assertEquals(0, changed.exitCode(), changed.err());
        var resumed = io.sparkgan.model.Json.MAPPER.readTree(
                runDir.resolve("run.json").toFile());
        assertEquals(1, resumed.get("config").get("workers").asInt());
        assertEquals(slots, resumed.get("workerChanges").get(0).get("from").asInt());
        List<String> rounds = Files.readAllLines(runDir.resolve("metrics/train.jsonl"));
        double lastKimg = io.sparkgan.model.Json.MAPPER
                .readTree(rounds.get(rounds.size() - 1))
                .get("kimg")
                .asDouble();
        assertEquals(0.064, lastKimg, 1e-9, "images counted across the change: " + rounds);
    }

    /** `train` of a tiny network on the test data into {@code runDir}, with more options. */
    private static String[] tinyTrain(Path runDir, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "train",
                "--data",
                data,
                "--run-dir",
                runDir.toString(),
                "--batch-per-worker",
                "8",
                "--averaging-every",
                "2",
                "--base-width",
                "4",
                "--latent",
                "8"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void aRowOfAnotherShapeWithTheRightByteCountIsNamedBeforeTraining() throws Exception {
        Path copy = rewriteShard(
                "reshaped",
                "case when id = 5 then 14 else height end as height,"
                        + " case when id = 5 then 56 else width end as width, channels, image");
        TestData.CliResult result = TestData.cli(
                "train",
                "--data",
                copy.toString(),
                "--run-dir",
                dir.resolve("run-reshaped").toString(),
                "--kimg",
                "0.016",
                "--base-width",
                "4");
        assertEquals(2, result.exitCode(), result.err());
        assertTrue(
                result.err().contains("shard-00000.parquet")
                        && result.err().contains("row id 5")
                        && result.err().contains("14x56x1"),
                result.err());
        assertTrue(Files.notExists(dir.resolve("run-reshaped")), "refused before anything was written");
    }

    @Test
    void anOutOfRangeLabelIsNamedBeforeTraining() throws Exception {
        Path copy =
                rewriteShard("relabelled", "height, width, channels, image", "case when id = 5 then 12 else label end");
        TestData.CliResult result = TestData.cli(
                "train",
                "--data",
                copy.toString(),
                "--conditional",
                "--run-dir",
                dir.resolve("run-relabelled").toString(),
                "--kimg",
                "0.016",
                "--base-width",
                "4");
        assertEquals(2, result.exitCode(), result.err());
        assertTrue(
                result.err().contains("shard-00000.parquet")
                        && result.err().contains("row id 5")
                        && result.err().contains("label 12"),
                result.err());
    }

    @Test
    void aCorruptParquetShardIsNamedBeforeTraining() throws Exception {
        Path copy = copyOfData("corrupt");
        Path shard = copy.resolve("shard-00000.parquet");
        byte[] bytes = Files.readAllBytes(shard);
        // the middle of the file overwritten: a copy damaged in transit
        java.util.Arrays.fill(bytes, bytes.length / 4, bytes.length * 3 / 4, (byte) 0x5a);
        Files.write(shard, bytes);
        Files.deleteIfExists(copy.resolve(".shard-00000.parquet.crc"));
        TestData.CliResult result = TestData.cli(
                "train",
                "--data",
                copy.toString(),
                "--run-dir",
                dir.resolve("run-corrupt").toString(),
                "--kimg",
                "0.016",
                "--base-width",
                "4");
        assertEquals(2, result.exitCode(), result.err());
        assertTrue(result.err().contains("shard-00000.parquet"), result.err());
        assertTrue(Files.notExists(dir.resolve("run-corrupt")), "refused before anything was written");
    }

    /** A copy of the dataset whose first shard is rewritten (as another tool would) with these columns. */
    private Path rewriteShard(String name, String columns) throws Exception {
        return rewriteShard(name, columns, "label");
    }

    private Path rewriteShard(String name, String columns, String label) throws Exception {
        Path copy = copyOfData(name);
        Path written = dir.resolve(name + "-written");
        spark.sql("select id, " + label + " as label, " + columns + " from parquet.`"
                        + copy.resolve("shard-00000.parquet") + "`")
                .coalesce(1)
                .write()
                .parquet(written.toString());
        try (var parts = Files.list(written)) {
            Path part = parts.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .findFirst()
                    .orElseThrow();
            Files.move(part, copy.resolve("shard-00000.parquet"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(copy.resolve(".shard-00000.parquet.crc"));
        }
        return copy;
    }

    private Path copyOfData(String name) throws Exception {
        Path copy = dir.resolve(name);
        try (var files = Files.walk(Path.of(data))) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Files.copy(source, copy.resolve(Path.of(data).relativize(source).toString()));
            }
        }
        return copy;
    }

    @Test
    void aModelShapeThatDiffersFromTheDatasetIsRefused() throws Exception {
        Path config = dir.resolve("rgb.json");
        Files.writeString(config, "{\"model\": {\"height\": 32, \"width\": 32, \"channels\": 3}}");
        TestData.CliResult result = TestData.cli(
                "train",
                "--config",
                config.toString(),
                "--data",
                data,
                "--run-dir",
                dir.resolve("run").toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("32x32x3") && result.err().contains("28x28x1"), result.err());
    }

    @Test
    void everyDefaultTheHelpPrintsIsTheConfigsDefault() {
        // giving an option the value its help calls the default must leave the config at its defaults
        java.util.regex.Pattern stated = java.util.regex.Pattern.compile("\\(default ([^ ;),]+)");
        String defaults = new io.sparkgan.jobs.train.TrainConfig().toJson();
        int checked = 0;
        for (picocli.CommandLine.Model.OptionSpec option :
                new picocli.CommandLine(new TrainCommand()).getCommandSpec().options()) {
            java.util.regex.Matcher matcher = stated.matcher(String.join(" ", option.description()));
            if (!matcher.find()) {
                continue;
            }
            // a super-resolution option's default is that of an srgan model's settings
            boolean superResolution = String.join(" ", option.description()).startsWith("srgan:");
            String[] model = superResolution ? new String[] {"--model", "srgan"} : new String[0];
            TrainCommand command = new TrainCommand();
            List<String> args = new ArrayList<>(List.of(model));
            args.addAll(List.of(option.longestName(), matcher.group(1)));
            new picocli.CommandLine(command).parseArgs(args.toArray(String[]::new));
            TrainCommand unset = new TrainCommand();
            new picocli.CommandLine(unset).parseArgs(model);
            assertEquals(
                    superResolution
                            ? unset.effectiveConfig(new io.sparkgan.jobs.train.TrainConfig())
                                    .toJson()
                            : defaults,
                    command.effectiveConfig(new io.sparkgan.jobs.train.TrainConfig())
                            .toJson(),
                    option.longestName() + ": its help says the default is " + matcher.group(1));
            checked++;
        }
        assertTrue(checked >= 20, "options with a stated default: " + checked);
    }

    @Test
    void theHelpExplainsEveryExitCodeTrainReturns() {
        TestData.CliResult help = TestData.cli("train", "--help");
        String text = help.out().replaceAll("\\s+", " ");
        for (String code : List.of(
                "0 done",
                "2 bad options or input",
                TrainCommand.COLLAPSED + " stopped for a suspected mode collapse",
                TrainCommand.DIVERGED + " diverged",
                TrainCommand.LOCKED + " another trainer holds the run directory")) {
            assertTrue(text.contains(code), "train --help lacks '" + code + "': " + text);
        }
    }

    @Test
    void unknownOptionsAndBadValuesAreNamed() {
        TestData.CliResult unknown = TestData.cli("train", "--data", data, "--run-dir", "x", "--learning-rate", "1");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("--learning-rate"), unknown.err());

        TestData.CliResult bad = TestData.cli(
                "train", "--data", data, "--run-dir", dir.resolve("r").toString(), "--batch-per-worker", "0");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--batch-per-worker"), bad.err());

        TestData.CliResult badConfig =
                TestData.cli("train", "--config", dir.resolve("missing.yaml").toString());
        assertEquals(2, badConfig.exitCode());
        assertTrue(badConfig.err().contains("missing.yaml"), badConfig.err());
    }
}
