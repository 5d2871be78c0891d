package io.sparkgan.data.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress of named Spark jobs, followed by the listener in a real local session. */
class SparkJobProgressTest {

    private static SparkSession spark;
    private static final List<String> REPORTED = Collections.synchronizedList(new ArrayList<>());
    /** The listener's clock: each reading is 1 s after the last, so every job counts as long. */
    private static final AtomicLong CLOCK = new AtomicLong();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("progress tests")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        SparkJobProgress.listen(
                spark.sparkContext(),
                new SparkJobProgress(
                        (phase, tasks) -> (done, details) -> REPORTED.add(
                                phase + " " + done + "/" + tasks + (details.isEmpty() ? "" : " " + details)),
                        () -> CLOCK.addAndGet(1_000_000_000L)));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static List<String> reportedAfter(Runnable jobs) {
        REPORTED.clear();
        jobs.run();
        drainEvents();
        return new ArrayList<>(REPORTED);
    }

    private static void drainEvents() {
        try {
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aNamedWriteReportsItsTasksAndRowsAndEndsAtItsTotal() {
        Dataset<Row> rows = spark.range(0, 1000, 1, 4).toDF("id");
        List<String> lines = reportedAfter(() -> {
            try (SparkJobProgress.Phase phase = SparkJobProgress.phase(spark, "writing numbers")) {
                assertEquals("writing numbers", spark.sparkContext().getLocalProperty("spark.job.description"));
                rows.write().parquet(dir.resolve("numbers").toString());
            }
        });
        assertTrue(lines.size() >= 2, lines.toString());
        String last = lines.get(lines.size() - 1);
        assertEquals("writing numbers, tasks 4/4 1,000 rows written", last);
        assertTrue(lines.stream().allMatch(l -> l.startsWith("writing numbers, tasks ")), lines.toString());
        // the description is restored when the phase ends
        assertEquals(null, spark.sparkContext().getLocalProperty("spark.job.description"));
    }

    @Test
    void jobsOutsideAPhaseAreNotReported() {
        List<String> lines = reportedAfter(() -> spark.range(0, 100, 1, 3).count());
        assertEquals(List.of(), lines);
    }

    @Test
    void phasesNestAndRestoreTheOuterName() {
        List<String> lines = reportedAfter(() -> {
            try (SparkJobProgress.Phase outer = SparkJobProgress.phase(spark, "outer")) {
                try (SparkJobProgress.Phase inner = SparkJobProgress.phase(spark, "inner")) {
                    spark.range(0, 10, 1, 2).javaRDD().count();
                }
                spark.range(0, 10, 1, 3).javaRDD().count();
            }
        });
        assertTrue(lines.contains("inner, tasks 2/2"), lines.toString());
        assertTrue(lines.contains("outer, tasks 3/3"), lines.toString());
    }

    @Test
    void aPhaseOfManyJobsCountsThemAndEndsAtItsTotalWhenItCloses() {
        List<String> lines = reportedAfter(() -> {
            try (SparkJobProgress.Phase phase = SparkJobProgress.phase(spark, "fitting", 4)) {
                for (int i = 0; i < 5; i++) {
                    spark.range(0, 10, 1, 2).javaRDD().count();
                }
                drainEvents();
            }
        });
        // five jobs where four were expected: held below the total until the phase ends
        assertEquals(
                List.of(
                        "fitting, Spark jobs 1/4",
                        "fitting, Spark jobs 2/4",
                        "fitting, Spark jobs 3/4",
                        "fitting, Spark jobs 3/4",
                        "fitting, Spark jobs 3/4",
                        "fitting, Spark jobs 4/4"),
                lines);
    }
}
