package io.sparkgan.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.TestData;
import io.sparkgan.model.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evaluation during training and `sparkgan evaluate`, end to end through the command line. */
class EvaluateCommandTest extends LocalSparkTest {

    @TempDir
    Path dir;

    private static List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(Json.MAPPER.readTree(line));
        }
        return out;
    }

    private static String[] train(String data, Path runDir, String kimg, String... more) {
        // rounds of 2 workers x 2 steps x 16 images = 0.064 kimg, a checkpoint after each
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                data,
                "--run-dir",
                runDir.toString(),
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
                "--eval-samples",
                "512",
                "--kimg",
                kimg));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void trainingEvaluatesEachCheckpointMarksTheBestAndEvaluateReproducesIt() throws Exception {
        String data = TestData.mnistWithEvaluator();
        Path runDir = dir.resolve("run");
        TestData.CliResult trained = TestData.cli(train(data, runDir, "0.192"));
        assertEquals(0, trained.exitCode(), trained.err());

        List<JsonNode> evaluations = lines(runDir.resolve("eval/metrics.jsonl"));
        assertEquals(3, evaluations.size());
        for (JsonNode e : evaluations) {
            for (String field : List.of(
                    "step",
                    "kimg",
                    "fid",
                    "kid",
                    "kidStd",
                    "precision",
                    "recall",
                    "density",
                    "coverage",
                    "modesCovered",
                    "classKl",
                    "seconds")) {
                assertTrue(e.hasNonNull(field), field + " missing in " + e);
            }
            assertEquals(512, e.get("samples").asInt());
            assertEquals(10, e.get("classes").asInt());
        }
        JsonNode best = evaluations.stream()
                .min(Comparator.comparingDouble(e -> e.get("fid").asDouble()))
                .get();
        long bestStep = best.get("step").asLong();
        assertEquals(
                String.format("%09d", bestStep),
                Files.readString(runDir.resolve("checkpoints/best")).trim());
        assertTrue(best.get("best").asBoolean());

        // on demand, the best checkpoint with the run's sample count and noise gives the same figures
        TestData.CliResult evaluated = TestData.cli("evaluate", "--run-dir", runDir.toString());
        assertEquals(0, evaluated.exitCode(), evaluated.err());
        assertTrue(evaluated.out().contains("checkpoint " + bestStep), evaluated.out());
        JsonNode again = lines(runDir.resolve("eval/evaluate.jsonl")).get(0);
        assertEquals(
                best.get("fid").asDouble(),
                again.get("fid").asDouble(),
                1e-6 * best.get("fid").asDouble());
        assertEquals(best.get("recall").asDouble(), again.get("recall").asDouble(), 1e-12);

        // a resumed run evaluates on from where it stopped: no step twice
        TestData.CliResult resumed =
                TestData.cli("train", "--run-dir", runDir.toString(), "--resume", "--kimg", "0.256");
        assertEquals(0, resumed.exitCode(), resumed.err());
        List<JsonNode> after = lines(runDir.resolve("eval/metrics.jsonl"));
        assertEquals(4, after.size());
        for (int i = 1; i < after.size(); i++) {
            assertTrue(
                    after.get(i).get("step").asLong()
                            > after.get(i - 1).get("step").asLong(),
                    after.toString());
        }

        TestData.CliResult missing = TestData.cli("evaluate", "--run-dir", runDir.toString(), "--checkpoint", "7");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("no checkpoint at step 7"), missing.err());
        TestData.CliResult word = TestData.cli("evaluate", "--run-dir", runDir.toString(), "--checkpoint", "first");
        assertEquals(2, word.exitCode());
        assertTrue(word.err().contains("--checkpoint must be"), word.err());
        Path evaluateLog = runDir.resolve("eval/evaluate.jsonl");
        int recorded = Files.exists(evaluateLog) ? lines(evaluateLog).size() : 0;
        TestData.CliResult unconditional = TestData.cli("evaluate", "--run-dir", runDir.toString(), "--cas", data);
        assertEquals(2, unconditional.exitCode());
        assertTrue(unconditional.err().contains("needs a conditional run"), unconditional.err());
        // refused before the evaluation: nothing measured, nothing recorded
        assertFalse(unconditional.out().contains(" against "), unconditional.out());
        assertEquals(recorded, Files.exists(evaluateLog) ? lines(evaluateLog).size() : 0);
        TestData.CliResult few = TestData.cli("evaluate", "--run-dir", runDir.toString(), "--samples", "2");
        assertEquals(2, few.exitCode());
        assertTrue(few.err().contains("--samples"), few.err());
    }

    @Test
    void aSuspectedCollapseIsRecordedAndWarnedAboutStoppedOrRolledBackAsAsked() throws Exception {
        String data = TestData.mnistWithEvaluator();
        // a D-loss floor that no run stays above makes every evaluation look like a collapse
        String[] alwaysCollapsing = {"--collapse-d-loss", "100", "--collapse-patience", "1"};

        Path warned = dir.resolve("warned");
        assertEquals(
                0, TestData.cli(train(data, warned, "0.128", alwaysCollapsing)).exitCode());
        List<JsonNode> warnings = lines(warned.resolve("eval/metrics.jsonl"));
        assertEquals(2, warnings.size());
        assertEquals("warn", warnings.get(1).get("collapse").get("action").asText());
        assertTrue(
                warnings.get(1).get("collapse").get("reasons").get(0).asText().contains("D loss"));

        Path stopped = dir.resolve("stopped");
        List<String> stop = new ArrayList<>(List.of(alwaysCollapsing));
        stop.addAll(List.of("--on-collapse", "stop"));
        TestData.CliResult stoppedRun = TestData.cli(train(data, stopped, "0.192", stop.toArray(String[]::new)));
        assertEquals(3, stoppedRun.exitCode(), stoppedRun.err());
        assertTrue(stoppedRun.err().contains("possible mode collapse at step 2"), stoppedRun.err());
        assertEquals(
                1, Files.readAllLines(stopped.resolve("metrics/train.jsonl")).size(), "no round after the stop");
        assertEquals(
                "stop",
                lines(stopped.resolve("eval/metrics.jsonl"))
                        .get(0)
                        .get("collapse")
                        .get("action")
                        .asText());

        Path rolledBack = dir.resolve("rolled-back");
        List<String> rollback = new ArrayList<>(List.of(alwaysCollapsing));
        rollback.addAll(
                List.of("--on-collapse", "rollback", "--max-rollbacks", "1", "--lr-g", "4e-4", "--lr-d", "4e-4"));
        TestData.CliResult rolled = TestData.cli(train(data, rolledBack, "0.192", rollback.toArray(String[]::new)));
        assertEquals(3, rolled.exitCode(), "a second collapse with no rollbacks left stops: " + rolled.err());
        List<JsonNode> evaluations = lines(rolledBack.resolve("eval/metrics.jsonl"));
        assertEquals(2, evaluations.size());
        JsonNode first = evaluations.get(0).get("collapse");
        assertEquals("rollback", first.get("action").asText());
        assertEquals(2, first.get("rollbackTo").asLong());
        assertEquals(2e-4, first.get("lrG").asDouble(), 1e-12);
        assertEquals("stop", evaluations.get(1).get("collapse").get("action").asText());
        JsonNode checkpoint = Json.MAPPER.readTree(
                rolledBack.resolve("checkpoints/000000004/gan.json").toFile());
        assertEquals(2e-4, checkpoint.get("model").get("lrG").asDouble(), 1e-12, "trained on at the lower rate");
    }

    @Test
    void aConditionalRunGridsOneRowPerClassAndReportsTheShareClassedAsAsked() throws Exception {
        String data = TestData.mnistWithEvaluator();
        Path runDir = dir.resolve("conditional");
        TestData.CliResult trained = TestData.cli(train(data, runDir, "0.128", "--conditional", "--ema-kimg", "0.1"));
        assertEquals(0, trained.exitCode(), trained.err());
        for (JsonNode e : lines(runDir.resolve("eval/metrics.jsonl"))) {
            double accuracy = e.get("classAccuracy").asDouble();
            assertTrue(accuracy >= 0 && accuracy <= 1, e.toString());
        }
        BufferedImage grid =
                ImageIO.read(runDir.resolve("samples/000000004.png").toFile());
        assertEquals(10 * 29 + 1, grid.getHeight(), "one row of 28-pixel images (and a 1-pixel gap) per class");
        assertEquals(6 * 29 + 1, grid.getWidth(), "64 samples: 6 per class");
        // CAS: a classifier trained on 300 labelled samples of the (barely trained) generator, tested on real data
        TestData.CliResult evaluated = TestData.cli(
                "evaluate", "--run-dir", runDir.toString(), "--samples", "300", "--cas", TestData.mnistTest(1000));
        assertEquals(0, evaluated.exitCode(), evaluated.err());
        assertTrue(evaluated.out().contains("classes as asked"), evaluated.out());
        Matcher cas = Pattern.compile("CAS\\s+([0-9.]+)").matcher(evaluated.out());
        assertTrue(cas.find() && Double.parseDouble(cas.group(1)) <= 1, evaluated.out());
        assertTrue(evaluated.out().contains("300 generated samples"), evaluated.out());
    }

    @Test
    void aDatasetIsComparedWithRealDataAndItsClassificationAccuracyScoreReported() {
        String real = TestData.mnistWithEvaluator();
        TestData.CliResult compared = TestData.cli(
                "evaluate", "--data", real, "--compare", TestData.mnistTest(2000), "--cas", TestData.mnistTest(1000));
        assertEquals(0, compared.exitCode(), compared.err());
        assertTrue(compared.out().contains("modes      10 of 10 covered"), compared.out());
        Matcher cas = Pattern.compile("CAS\\s+([0-9.]+)").matcher(compared.out());
        assertTrue(cas.find(), compared.out());
        // trained on the 2000 test images themselves and tested on 1000 of them: a learning check
        assertTrue(Double.parseDouble(cas.group(1)) > 0.8, compared.out());
    }

    @Test
    void missingEvaluatorsAndBadOptionsAreNamedBeforeAnyWork() {
        TestData.CliResult noData = TestData.cli("evaluate", "--compare", data);
        assertEquals(2, noData.exitCode());
        assertTrue(noData.err().contains("--compare needs --data"), noData.err());

        TestData.CliResult noEvaluator = TestData.cli("evaluate", "--data", data, "--compare", data);
        assertEquals(2, noEvaluator.exitCode());
        assertTrue(
                noEvaluator.err().contains("no evaluator in")
                        && noEvaluator.err().contains("train-evaluator"),
                noEvaluator.err());

        TestData.CliResult noRun =
                TestData.cli("evaluate", "--run-dir", dir.resolve("nothing").toString());
        assertEquals(2, noRun.exitCode());
        assertTrue(noRun.err().contains("no run.json"), noRun.err());

        Path runDir = dir.resolve("never");
        TestData.CliResult namedButMissing = TestData.cli(train(
                data,
                runDir,
                "0.064",
                "--evaluator",
                dir.resolve("no-evaluator").toString()));
        assertEquals(2, namedButMissing.exitCode());
        assertTrue(namedButMissing.err().contains("no-evaluator"), namedButMissing.err());
        assertFalse(Files.exists(runDir.resolve("run.json")), "nothing written for a run that cannot evaluate");
    }
}
