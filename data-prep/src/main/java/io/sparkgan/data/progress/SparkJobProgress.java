package io.sparkgan.data.progress;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;
import scala.collection.JavaConverters;

/**
 * Progress of the Spark jobs a phase runs on the executors (writing a dataset, generating, scoring, upscaling,
 * evaluating, training the evaluator), as a {@link ProgressLine}: for one long job, its tasks done of its total
 * and the rows written; for a phase made of many short jobs of a known count, the jobs done. A phase names itself
 * with {@link #phase}, which also becomes the job description in the Spark UI; a listener on the driver follows the
 * jobs that carry the name. Single jobs that end within {@value #QUIET_SECONDS} seconds print nothing, so quick
 * lookups (counts, manifests) stay silent.
 */
public final class SparkJobProgress extends SparkListener {

    static final String PHASE = "sparkgan.phase";
    static final String PHASE_ID = "sparkgan.phase.id";
    static final String PHASE_JOBS = "sparkgan.phase.jobs";
    static final int QUIET_SECONDS = 2;
    /** Where Spark keeps a job's description (SparkContext.SPARK_JOB_DESCRIPTION, not visible from Java). */
    static final String DESCRIPTION = "spark.job.description";

    private static final AtomicLong PHASES = new AtomicLong();
    private static SparkContext listenedTo;
    private static SparkJobProgress listener;

    private final BiFunction<String, Long, Line> lines;
    private final LongSupplier nanos;
    private final Map<Integer, Job> jobs = new HashMap<>();
    private final Map<Integer, Job> stages = new HashMap<>();
    private final Map<String, Job> counted = new HashMap<>();

    /** Where progress goes: {@link ProgressLine#update} of a line made for a phase and its total. */
    interface Line {
        void update(long done, String details);
    }

    /** {@code lines}: a line for a phase given its name and total (tasks, or jobs), made when it starts. */
    SparkJobProgress(BiFunction<String, Long, Line> lines, LongSupplier nanos) {
        this.lines = lines;
        this.nanos = nanos;
    }

    /**
     * Names the Spark jobs this thread submits until {@link Phase#close}: the tasks of each long job are reported
     * under {@code name}, which the Spark UI shows as the jobs' description.
     */
    public static Phase phase(SparkSession spark, String name) {
        return phase(spark, name, 0);
    }

    /** As {@link #phase(SparkSession, String)}, reporting {@code expectedJobs} jobs done one by one instead. */
    public static Phase phase(SparkSession spark, String name, long expectedJobs) {
        SparkContext context = spark.sparkContext();
        SparkJobProgress following;
        synchronized (SparkJobProgress.class) {
            if (listenedTo != context) {
                listen(
                        context,
                        new SparkJobProgress(
                                (phase, total) -> ProgressLine.of(phase, 0, total)::update, System::nanoTime));
            }
            following = listener;
        }
        String id = Long.toString(PHASES.incrementAndGet());
        Map<String, String> previous = new HashMap<>();
        for (String key : new String[] {PHASE, PHASE_ID, PHASE_JOBS, DESCRIPTION}) {
            previous.put(key, context.getLocalProperty(key));
        }
        context.setLocalProperty(PHASE, name);
        context.setLocalProperty(PHASE_ID, id);
        context.setLocalProperty(PHASE_JOBS, expectedJobs > 0 ? Long.toString(expectedJobs) : null);
        context.setLocalProperty(DESCRIPTION, name);
        return () -> {
            previous.forEach(context::setLocalProperty);
            following.finish(id);
        };
    }

    /** Makes {@code progress} the listener that follows the phases of {@code context}. */
    static synchronized void listen(SparkContext context, SparkJobProgress progress) {
        context.addSparkListener(progress);
        listener = progress;
        listenedTo = context;
    }

    /** A named phase; closing it restores the names in force before. */
    public interface Phase extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart start) {
        Properties properties = start.properties();
        String phase = properties == null ? null : properties.getProperty(PHASE);
        if (phase == null) {
            return;
        }
        String expectedJobs = properties.getProperty(PHASE_JOBS);
        if (expectedJobs != null) {
            long expected = Long.parseLong(expectedJobs);
            Job phaseJobs = counted.computeIfAbsent(
                    properties.getProperty(PHASE_ID),
                    id -> new Job(lines.apply(phase + ", Spark jobs", expected), expected, nanos.getAsLong()));
            jobs.put(start.jobId(), phaseJobs);
            return;
        }
        long tasks = 0;
        for (StageInfo stage : JavaConverters.seqAsJavaList(start.stageInfos())) {
            tasks += stage.numTasks();
        }
        Job job = new Job(lines.apply(phase + ", tasks", tasks), tasks, nanos.getAsLong());
        for (StageInfo stage : JavaConverters.seqAsJavaList(start.stageInfos())) {
            stages.put(stage.stageId(), job);
        }
        jobs.put(start.jobId(), job);
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        Job job = stages.get(end.stageId());
        if (job == null || !end.taskInfo().successful()) {
            return;
        }
        job.done++;
        if (end.taskMetrics() != null) {
            job.rows += end.taskMetrics().outputMetrics().recordsWritten();
        }
        if (job.reported || nanos.getAsLong() - job.startNanos >= QUIET_SECONDS * 1_000_000_000L) {
            // the last line is the job's end
            job.report(Math.min(job.done, job.total - 1));
        }
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd end) {
        Job job = jobs.remove(end.jobId());
        if (job == null) {
            return;
        }
        if (counted.containsValue(job)) {
            job.done++;
            // the count is an estimate: the phase's end is its last line
            job.report(Math.min(job.done, job.total - 1));
            return;
        }
        stages.values().removeIf(j -> j == job);
        if (job.reported) {
            // stages skipped because their output was cached never run their tasks: the job is done all the same
            job.report(job.total);
        }
    }

    private synchronized void finish(String phaseId) {
        Job phaseJobs = counted.remove(phaseId);
        if (phaseJobs != null) {
            phaseJobs.report(phaseJobs.total);
        }
    }

    private static final class Job {
        final Line line;
        final long total;
        final long startNanos;
        long done;
        long rows;
        boolean reported;

        Job(Line line, long total, long startNanos) {
            this.line = line;
            this.total = total;
            this.startNanos = startNanos;
        }

        void report(long done) {
            line.update(done, rows > 0 ? String.format("%,d rows written", rows) : "");
            reported = true;
        }
    }
}
