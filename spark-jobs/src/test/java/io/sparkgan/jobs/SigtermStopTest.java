package io.sparkgan.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.engine.FaultInjection;
import io.sparkgan.jobs.train.GracefulStop;
import io.sparkgan.jobs.train.TrainingFixtures;
import io.sparkgan.model.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    /** Steps per round of the trainer below (--averaging-every): checkpoint step / this = rounds trained. */
    private static final int STEPS_PER_ROUND = 2;

    private static final Pattern STOPPED_LINE = Pattern.compile(
            "stopped at round (\\d+); last checkpoint: step (\\d+) \\(.*\\); resume with: sparkgan train --resume"
                    + " --run-dir (\\S+)");

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

    /** The one line that says where the training stopped; no stack trace and no error besides. */
    private static Matcher assertOneStoppedLine(String output) {
        List<String> lines =
                output.lines().filter(l -> l.contains("stopped at round")).toList();
        assertEquals(1, lines.size(), output);
        assertFalse(output.lines().anyMatch(l -> l.startsWith("\tat ")), "a stack trace:\n" + output);
        assertFalse(output.contains("RejectedExecutionException"), output);
        assertFalse(output.contains("error:"), output);
        Matcher line = STOPPED_LINE.matcher(lines.get(0));
        assertTrue(line.find(), lines.get(0));
        return line;
    }
}
