package io.sparkgan.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetReader;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.jobs.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generation task whose executor is killed (SIGKILL of its JVM, in {@code local-cluster}) is re-run elsewhere,
 * and the dataset holds every sample once: tasks commit through Spark's output committer, and a re-run task
 * makes the same rows. The rows also equal those generated in local mode.
 */
class GenerateRetryTest {

    @TempDir
    static Path sparkHome;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // executors that cannot start are relaunched forever
    void aKilledExecutorsTasksAreRetriedWithoutDuplicatingRows() throws Exception {
        String data = TestData.mnist(64);
        String run = dir.resolve("run").toString();
        SparkSession local = TestData.localSpark();
        TestData.CliResult trained = TestData.cli(
                "train",
                "--data",
                data,
                "--run-dir",
                run,
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
        String inLocalMode = generate(run, dir.resolve("local").toString());
        List<Row> expected = rows(local, inLocalMode);
        local.stop();

        SparkSession cluster = TestData.localCluster(sparkHome, 2, "sparkgan-generate-retry-test");
        try {
            ExecutorKiller killer = new ExecutorKiller();
            cluster.sparkContext().addSparkListener(killer);
            String inCluster = generate(run, dir.resolve("cluster").toString());
            assertTrue(killer.killed.get(), "an executor was killed during generation");
            assertTrue(killer.retries.get() > 0, "its task ran again");
            List<Row> got = rows(cluster, inCluster);
            assertEquals(expected.size(), got.size());
            assertEquals(
                    expected.size(),
                    got.stream().map(r -> r.getLong(0)).distinct().count(),
                    "no duplicate ids");
            assertEquals(
                    2000,
                    DatasetManifest.read(inCluster, cluster.sparkContext().hadoopConfiguration())
                            .count());
            for (int i = 0; i < got.size(); i++) {
                assertEquals(expected.get(i).getLong(0), got.get(i).getLong(0));
                assertEquals(expected.get(i).getInt(1), got.get(i).getInt(1), "label of sample " + i);
                // another process may round a last bit differently: at most one 8-bit level apart
                byte[] a = (byte[]) expected.get(i).get(2);
                byte[] b = (byte[]) got.get(i).get(2);
                int worst = 0;
                for (int p = 0; p < a.length; p++) {
                    worst = Math.max(worst, Math.abs((a[p] & 0xFF) - (b[p] & 0xFF)));
                }
                assertTrue(worst <= 1, "sample " + i + " differs by " + worst + " levels");
            }
        } finally {
            TestData.stopLocalCluster(cluster);
        }
    }

    private static String generate(String run, String output) {
        TestData.CliResult result = TestData.cli(
                "generate",
                "--run-dir",
                run,
                "--output",
                output,
                "--count",
                "2000",
                "--partitions",
                "4",
                "--seed",
                "3");
        assertEquals(0, result.exitCode(), result.err());
        return output;
    }

    private static List<Row> rows(SparkSession spark, String dataset) {
        return DatasetReader.read(spark, dataset)
                .rows()
                .select(DatasetSchema.ID, DatasetSchema.LABEL, DatasetSchema.IMAGE)
                .orderBy(DatasetSchema.ID)
                .collectAsList();
    }

    /** The whole command line (ProcessHandle.Info cuts long ones short, and executors have the test classpath). */
    private static String commandLine(ProcessHandle process) {
        try {
            return new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")),
                            java.nio.charset.StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** Kills the JVM of the executor that starts the first task, once; counts the task attempts after it. */
    private static final class ExecutorKiller extends SparkListener {
        final AtomicBoolean killed = new AtomicBoolean();
        final AtomicInteger retries = new AtomicInteger();

        @Override
        public void onTaskStart(SparkListenerTaskStart start) {
            if (start.taskInfo().attemptNumber() > 0) {
                retries.incrementAndGet();
            }
            if (!killed.compareAndSet(false, true)) {
                return;
            }
            String executor = start.taskInfo().executorId();
            Optional<ProcessHandle> process = ProcessHandle.current()
                    .descendants()
                    .filter(p -> {
                        String c = commandLine(p);
                        return c.contains("CoarseGrainedExecutorBackend")
                                && c.contains(" --executor-id " + executor + " ");
                    })
                    .findFirst();
            if (process.isEmpty()) {
                killed.set(false);
                return;
            }
            process.get().destroyForcibly();
        }
    }
}
