package io.sparkgan.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.TestData;
import io.sparkgan.jobs.TrainerProcess;
import io.sparkgan.jobs.run.FaultInjection;
import io.sparkgan.jobs.run.GracefulStop;
import io.sparkgan.jobs.train.TrainingFixtures;
import io.sparkgan.model.Json;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sparkgan train} as a process of its own, stopped by SIGTERM as schedulers and {@code timeout} stop jobs:
 * it ends with one line saying where it stopped and how to resume, the documented exit code, its outcome recorded
 * and its lock released, and {@code --resume} continues from the last checkpoint. A stop that hangs is cut short.
 */
class SigtermStopTest extends LocalSparkTest {

    /** The exit code documented for a stopped training: 128 + SIGTERM. */
    private static final int STOPPED = 143;
    /** 128 + SIGINT: what a training stopped by Ctrl-C exits with, and records. */
    private static final int INTERRUPTED = 130;
    /** Steps per round of the trainer below (--averaging-every): checkpoint step / this = rounds trained. */
    private static final int STEPS_PER_ROUND = 2;

    private static final Pattern STOPPED_LINE = Pattern.compile(
            "stopped at round (\\d+); last checkpoint: step (\\d+) \\(.*\\); resume with: sparkgan train --resume"
                    + " --run-dir (\\S+)");

    private static final Pattern RETRAIN_STOPPED_LINE = Pattern.compile(
            "stopped at round (\\d+); last checkpoint: step (\\d+) \\(.*\\); the next sparkgan retrain --registry \\S+"
                    + " --alias nightly resumes this candidate \\((\\S+)\\)");

    @TempDir
    Path runs;

    @Test
    void aSigtermStopsTheTrainingWithOneLineAndResumeContinuesFromTheLastCheckpoint() throws Exception {
        Path runDir = runs.resolve("run");
        Path log = runs.resolve("train.log");
        Process trainer = TrainerProcess.start(log, List.of(), trainArguments(runDir));
        awaitRounds(trainer, runDir, 5);
        trainer.destroy(); // SIGTERM
        assertTrue(trainer.waitFor(120, TimeUnit.SECONDS), "the trainer did not exit after SIGTERM");
        String output = Files.readString(log);
        assertEquals(STOPPED, trainer.exitValue(), output);
        Matcher line = assertOneStoppedLine(output);
        long rounds = Long.parseLong(line.group(1));
        long checkpoint = Long.parseLong(line.group(2));
        assertEquals(runDir.toString(), line.group(3), output);
        assertTrue(rounds >= 5 && checkpoint > 0 && checkpoint <= rounds * STEPS_PER_ROUND, line.group());
        assertFalse(Files.exists(runDir.resolve("run.lock")), "run.lock released");
        JsonNode outcome = Json.MAPPER.readTree(runDir.resolve("outcome.json").toFile());
        assertEquals("stopped", outcome.path("outcome").asText(), outcome.toString());
        assertEquals(STOPPED, outcome.path("exitCode").asInt(), outcome.toString());
        assertEquals(rounds, outcome.path("rounds").asLong(), outcome.toString());
        assertEquals(line.group(), outcome.path("message").asText());

        // what the line says to run, stopped the same way once it has started
        Map<Long, String> committed = TrainingFixtures.committedMarkers(spark, runDir.toString());
        assertEquals(
                checkpoint,
                committed.keySet().stream().mapToLong(Long::longValue).max().orElse(-1));
        Path resumeLog = runs.resolve("resume.log");
        Process resumed = TrainerProcess.start(
                resumeLog, List.of(), List.of("train", "--resume", "--run-dir", line.group(3), "--master", "local[2]"));
        awaitRounds(resumed, runDir, (int) rounds + 1);
        resumed.destroy();
        assertTrue(resumed.waitFor(120, TimeUnit.SECONDS), "the resumed trainer did not exit after SIGTERM");
        String resumedOutput = Files.readString(resumeLog);
        assertEquals(STOPPED, resumed.exitValue(), resumedOutput);
        assertOneStoppedLine(resumedOutput);
        TrainingFixtures.assertResumedFrom(
                spark, runDir.toString(), checkpoint, checkpoint / STEPS_PER_ROUND, committed);
    }

    @Test
    void aStopThatHangsIsHaltedAfterTheLimitWithTheSameLineAndCode() throws Exception {
        Path runDir = runs.resolve("hung");
        Path log = runs.resolve("hung.log");
        int limitSeconds = 4;
        Process trainer = TrainerProcess.start(
                log,
                List.of(
                        "-D" + GracefulStop.LIMIT_PROPERTY + "=" + limitSeconds,
                        "-D" + FaultInjection.HANG_AT + "=stop"),
                trainArguments(runDir));
        awaitRounds(trainer, runDir, 3);
        long signalled = System.nanoTime();
        trainer.destroy();
        assertTrue(trainer.waitFor(limitSeconds + 20, TimeUnit.SECONDS), "not halted after the limit");
        double seconds = (System.nanoTime() - signalled) / 1e9;
        String output = Files.readString(log);
        assertEquals(STOPPED, trainer.exitValue(), output);
        assertTrue(output.contains("fault injection: hanging at stop"), output);
        assertTrue(seconds >= limitSeconds - 1, "halted after " + seconds + " s, before the limit");
        assertTrue(assertOneStoppedLine(output).group().length() > 0);
        assertTrue(output.contains("(halted: the stop took longer than " + limitSeconds + " s)"), output);
        assertFalse(Files.exists(runDir.resolve("run.lock")), "run.lock released before the halt");
        JsonNode outcome = Json.MAPPER.readTree(runDir.resolve("outcome.json").toFile());
        assertEquals("stopped", outcome.path("outcome").asText(), outcome.toString());
        assertEquals(STOPPED, outcome.path("exitCode").asInt(), outcome.toString());
    }

    @Test
    void ctrlCStopsTheTrainingTheSameWayWithCode130() throws Exception {
        Path runDir = runs.resolve("interrupted");
        Path log = runs.resolve("interrupted.log");
        Process trainer = TrainerProcess.start(log, List.of(), trainArguments(runDir));
        awaitRounds(trainer, runDir, 3);
        signal(trainer, "INT");
        assertTrue(trainer.waitFor(120, TimeUnit.SECONDS), "the trainer did not exit after SIGINT");
        String output = Files.readString(log);
        assertEquals(INTERRUPTED, trainer.exitValue(), output);
        Matcher line = assertOneStoppedLine(output);
        JsonNode outcome = Json.MAPPER.readTree(runDir.resolve("outcome.json").toFile());
        assertEquals(INTERRUPTED, outcome.path("exitCode").asInt(), outcome.toString());
        assertEquals(line.group(), outcome.path("message").asText());
        assertFalse(Files.exists(runDir.resolve("run.lock")), "run.lock released");
    }

    @Test
    void aSigtermStopsARetrainWhoseCandidateTheNextRetrainResumes() throws Exception {
        Path registry = runs.resolve("registry");
        List<String> retrain = new ArrayList<>(
                List.of("retrain", "--registry", registry.toString(), "--alias", "nightly", "--data", evaluated()));
        // the training options of trainArguments, less what retrain chooses itself
        List<String> options = trainArguments(runs.resolve("unused"));
        retrain.addAll(options.subList(options.indexOf("--master"), options.size()));
        Process first = TrainerProcess.start(runs.resolve("retrain.log"), List.of(), retrain);
        Path candidate = awaitCandidate(first, registry);
        awaitRounds(first, candidate, 4);
        first.destroy();
        assertTrue(first.waitFor(120, TimeUnit.SECONDS), "the retrain did not exit after SIGTERM");
        String output = Files.readString(runs.resolve("retrain.log"));
        assertEquals(STOPPED, first.exitValue(), output);
        Matcher line = assertOneStoppedLine(output, RETRAIN_STOPPED_LINE);
        long rounds = Long.parseLong(line.group(1));
        long checkpoint = Long.parseLong(line.group(2));
        assertTrue(line.group(3).endsWith("/" + candidate.getFileName()), line.group());
        JsonNode outcome =
                Json.MAPPER.readTree(registry.resolve("outcomes/nightly.json").toFile());
        assertEquals("stopped", outcome.path("outcome").asText(), outcome.toString());
        assertEquals(STOPPED, outcome.path("exitCode").asInt(), outcome.toString());
        assertEquals(rounds, outcome.path("rounds").asLong(), outcome.toString());
        assertFalse(Files.exists(registry.resolve("run.lock")), "the registry's lock released");
        assertFalse(Files.exists(candidate.resolve("run.lock")), "the candidate's lock released");

        // the same command again trains the same candidate on from its last checkpoint
        Map<Long, String> committed = TrainingFixtures.committedMarkers(spark, candidate.toString());
        Process second = TrainerProcess.start(runs.resolve("retrain-again.log"), List.of(), retrain);
        awaitRounds(second, candidate, (int) rounds + 1);
        second.destroy();
        assertTrue(second.waitFor(120, TimeUnit.SECONDS), "the second retrain did not exit after SIGTERM");
        assertEquals(STOPPED, second.exitValue(), Files.readString(runs.resolve("retrain-again.log")));
        try (Stream<Path> candidates = Files.list(registry.resolve("runs"))) {
            assertEquals(List.of(candidate), candidates.toList(), "no second candidate");
        }
        TrainingFixtures.assertResumedFrom(
                spark, candidate.toString(), checkpoint, checkpoint / STEPS_PER_ROUND, committed);
    }

    @Test
    void aSigtermStopsTheDemoWithOneLine() throws Exception {
        Path demo = runs.resolve("demo");
        Process trainer = TrainerProcess.start(
                runs.resolve("demo.log"),
                List.of(),
                List.of(
                        "demo",
                        "--dir",
                        demo.toString(),
                        "--mnist",
                        smallMnist(runs.resolve("mnist"), 256).toString(),
                        "--no-evaluation",
                        "--workers",
                        "1",
                        "--kimg",
                        "1000",
                        "--master",
                        "local[2]"));
        Path runDir = demo.resolve("run");
        awaitRounds(trainer, runDir, 2);
        trainer.destroy();
        assertTrue(trainer.waitFor(120, TimeUnit.SECONDS), "the demo did not exit after SIGTERM");
        String output = Files.readString(runs.resolve("demo.log"));
        assertEquals(STOPPED, trainer.exitValue(), output);
        List<String> lines =
                output.lines().filter(l -> l.contains("stopped at round")).toList();
        assertEquals(1, lines.size(), output);
        assertTrue(
                lines.get(0)
                        .endsWith("continue it with: sparkgan train --resume --run-dir " + runDir
                                + " (sparkgan demo starts over)"),
                lines.get(0));
        assertFalse(output.lines().anyMatch(l -> l.startsWith("\tat ")), "a stack trace:\n" + output);
        assertFalse(output.contains("error:"), output);
        assertFalse(Files.exists(runDir.resolve("run.lock")), "run.lock released");
    }

    /** A budget far beyond the test: the trainer runs until it is stopped. */
    private List<String> trainArguments(Path runDir) {
        return List.of(
                "train",
                "--data",
                data,
                "--run-dir",
                runDir.toString(),
                "--master",
                "local[2]",
                "--workers",
                "2",
                "--batch-per-worker",
                "8",
                "--averaging-every",
                String.valueOf(STEPS_PER_ROUND),
                "--checkpoint-every",
                "2",
                "--keep-checkpoints",
                "1000",
                "--evaluate-every",
                "0",
                "--base-width",
                "4",
                "--latent",
                "8",
                "--kimg",
                "1000");
    }

    /** Waits until the run has logged {@code rounds} rounds in all. */
    private static void awaitRounds(Process trainer, Path runDir, int rounds) throws Exception {
        Path metrics = runDir.resolve("metrics/train.jsonl");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!Files.exists(metrics) || Files.readAllLines(metrics).size() < rounds) {
            assertTrue(trainer.isAlive(), "the trainer ended before round " + rounds);
            assertTrue(System.nanoTime() < deadline, "no round " + rounds + " within 180 s");
            Thread.sleep(50);
        }
    }

    private static String evaluated() {
        return TestData.mnistWithEvaluator();
    }

    /** Sends {@code process} a signal by name, as a terminal's Ctrl-C sends SIGINT. */
    private static void signal(Process process, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
        assertEquals(0, kill.waitFor(), "kill -" + name);
    }

    /** Waits for the retrain's candidate run (the one directory under the registry's runs/) to start its log. */
    private static Path awaitCandidate(Process retrain, Path registry) throws Exception {
        Path runsDir = registry.resolve("runs");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (true) {
            if (Files.isDirectory(runsDir)) {
                try (Stream<Path> listed = Files.list(runsDir)) {
                    List<Path> found = listed.toList();
                    if (!found.isEmpty()) {
                        return found.get(0);
                    }
                }
            }
            assertTrue(retrain.isAlive(), "the retrain ended before its candidate started");
            assertTrue(System.nanoTime() < deadline, "no candidate within 180 s");
            Thread.sleep(50);
        }
    }

    /** The first {@code count} images of the bundled MNIST's training split, as the IDX files demo --mnist reads. */
    private static Path smallMnist(Path folder, int count) throws Exception {
        Files.createDirectories(folder);
        cut("train-images-idx3-ubyte.gz", 16, 28 * 28, count, folder);
        cut("train-labels-idx1-ubyte.gz", 8, 1, count, folder);
        return folder;
    }

    private static void cut(String file, int header, int recordBytes, int count, Path folder) throws Exception {
        byte[] all;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(TestData.MNIST.resolve(file)))) {
            all = in.readNBytes(header + recordBytes * count);
        }
        ByteBuffer.wrap(all).putInt(4, count);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(folder.resolve(file)))) {
            out.write(all);
        }
    }

    /** The one line that says where the training stopped; no stack trace and no error besides. */
    private static Matcher assertOneStoppedLine(String output) {
        return assertOneStoppedLine(output, STOPPED_LINE);
    }

    private static Matcher assertOneStoppedLine(String output, Pattern expected) {
        List<String> lines =
                output.lines().filter(l -> l.contains("stopped at round")).toList();
        assertEquals(1, lines.size(), output);
        assertFalse(output.lines().anyMatch(l -> l.startsWith("\tat ")), "a stack trace:\n" + output);
        assertFalse(output.contains("RejectedExecutionException"), output);
        assertFalse(output.contains("error:"), output);
        Matcher line = expected.matcher(lines.get(0));
        assertTrue(line.find(), lines.get(0));
        return line;
    }
}
