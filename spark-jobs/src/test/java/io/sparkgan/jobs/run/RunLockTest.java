package io.sparkgan.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.jobs.TestData;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One trainer per run directory, on local files and on HDFS; a dead trainer's lock is broken only when asked. */
class RunLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondTrainerIsRefusedWithTheHoldersNameOnLocalFiles() throws Exception {
        secondTrainerIsRefused(new RunStorage(dir.resolve("run").toUri().toString(), new Configuration()));
    }

    @Test
    void aSecondTrainerIsRefusedWithTheHoldersNameOnHdfs() throws Exception {
        TestData.withMiniHdfs(
                dir.resolve("hdfs"), (uri, conf) -> secondTrainerIsRefused(new RunStorage(uri + "/runs/a", conf)));
    }

    private static void secondTrainerIsRefused(RunStorage storage) throws Exception {
        // eight trainers race for the directory: exactly one gets it
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<RunLock>> attempts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String runId = "run-" + i;
            attempts.add(pool.submit((Callable<RunLock>) () -> RunLock.acquire(storage, runId, false)));
        }
        List<RunLock> winners = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (Future<RunLock> attempt : attempts) {
            try {
                winners.add(attempt.get());
            } catch (java.util.concurrent.ExecutionException e) {
                refusals.add(e.getCause().getMessage());
            }
        }
        pool.shutdown();
        assertEquals(1, winners.size(), refusals.toString());
        String refusal = refusals.get(0);
        assertTrue(
                refusal.contains("pid " + ProcessHandle.current().pid())
                        && refusal.contains("--break-lock")
                        && refusal.contains(InetAddress.getLocalHost().getHostName()),
                refusal);

        winners.get(0).close();
        assertFalse(storage.exists(RunLock.FILE), "released");
        RunLock.acquire(storage, "after", false).close();
    }

    @Test
    void aStaleLockIsBrokenOnlyWhenAskedAndALiveOneNever() throws Exception {
        RunStorage storage = new RunStorage(dir.resolve("run").toUri().toString(), new Configuration());
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        plantLock(storage, finished.pid());
        RunLock.HeldException refused =
                assertThrows(RunLock.HeldException.class, () -> RunLock.acquire(storage, "mine", false));
        assertTrue(refused.getMessage().contains("pid " + finished.pid()), refused.getMessage());
        RunLock.acquire(storage, "mine", true).close();

        plantLock(storage, ProcessHandle.current().pid());
        RunLock.HeldException alive =
                assertThrows(RunLock.HeldException.class, () -> RunLock.acquire(storage, "mine", true));
        assertTrue(alive.getMessage().contains("still running"), alive.getMessage());
    }

    private static void plantLock(RunStorage storage, long pid) throws IOException {
        Files.createDirectories(Path.of(storage.root().toUri()));
        storage.writeAtomically(
                RunLock.FILE,
                "{\"host\": \"" + InetAddress.getLocalHost().getHostName() + "\", \"pid\": " + pid
                        + ", \"runId\": \"theirs\", \"since\": \"2026-12-05T00:00:00Z\"}");
    }
}
