package io.sparkgan.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster/local-standalone.sh stop} with pid files of its own making, without a cluster: it stops a process
 * only while that process still runs Spark's Master or Worker, whatever the pid file says.
 */
class LocalStandaloneScriptTest {

    private static final Path SCRIPT =
            Path.of(System.getProperty("sparkgan.repo", "..")).toAbsolutePath().resolve("cluster/local-standalone.sh");

    @TempDir
    Path state;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void endWhatWasStarted() {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** The pid files name processes that ended and whose pids now belong to unrelated ones (one with a child). */
    @Test
    void stopLeavesProcessesAloneThatNoLongerRunSpark() throws Exception {
        Process unrelated = start("sleep", "300");
        Process unrelatedParent = start("bash", "-c", "sleep 300 & wait");
        ProcessHandle child = onlyChild(unrelatedParent);
        Files.writeString(state.resolve("master.pid"), unrelated.pid() + "\n");
        Files.writeString(state.resolve("worker-1.pid"), unrelatedParent.pid() + "\n");

        String output = stop();

        assertTrue(unrelated.isAlive(), output);
        assertTrue(unrelatedParent.isAlive(), output);
        assertTrue(child.isAlive(), output);
        assertTrue(
                output.contains("master.pid: process " + unrelated.pid()
                        + " is not running org.apache.spark.deploy.master.Master"),
                output);
        assertFalse(Files.exists(state.resolve("master.pid")), "the stale pid file is removed");
    }

    /** A stand-in worker: a process whose command line has the Worker's class, with a child as an executor. */
    @Test
    void stopEndsAWorkerAndItsExecutors() throws Exception {
        Process worker = start("bash", "-c", "sleep 300 & wait", "org.apache.spark.deploy.worker.Worker");
        ProcessHandle executor = onlyChild(worker);
        Files.writeString(state.resolve("worker-1.pid"), worker.pid() + "\n");

        String output = stop();

        assertTrue(worker.waitFor(10, TimeUnit.SECONDS), output);
        assertTrue(executor.onExit().get(10, TimeUnit.SECONDS) != null && !executor.isAlive(), output);
    }

    private Process start(String... command) throws IOException {
        Process process = new ProcessBuilder(command).start();
        started.add(process);
        return process;
    }

    private static ProcessHandle onlyChild(Process parent) throws InterruptedException {
        for (int tries = 0; tries < 100; tries++) {
            List<ProcessHandle> children = parent.children().toList();
            if (children.size() == 1) {
                return children.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("process " + parent.pid() + " has no single child");
    }

    private String stop() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(SCRIPT.toString(), "stop").redirectErrorStream(true);
        builder.environment().put("SPARKGAN_STANDALONE_DIR", state.toString());
        Process script = builder.start();
        String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(script.waitFor(30, TimeUnit.SECONDS), output);
        assertEquals(0, script.exitValue(), output);
        return output;
    }
}
