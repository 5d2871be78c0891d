package io.sparkgan.jobs.engine;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;

/**
 * The driver's half of a round: run the workers over the cached shards with the broadcast state, combine their
 * results with {@code treeAggregate} (partial sums are added on the executors, not all shipped to the driver),
 * and turn the sum into the example-weighted mean of the state's values (parameters and optimizer states).
 */
public final class AveragingEngine {

    private static final int TREE_DEPTH = 2;

    private AveragingEngine() {}

    public static WorkerResult runRound(JavaRDD<ShardBlock> shards, Broadcast<byte[]> state, RoundPlan plan) {
        return shards.mapPartitionsWithIndex(new EngineWorker(state, plan), true)
                .treeAggregate(WorkerResult.empty(), WorkerResult::add, WorkerResult::add, TREE_DEPTH);
    }

    /** The example-weighted mean of the workers' state values. */
    public static float[] average(WorkerResult sum) {
        float[] total = sum.stateSum();
        if (total == null || sum.examples() == 0) {
            throw new IllegalStateException("no worker had any data to train on");
        }
        float[] mean = new float[total.length];
        float examples = sum.examples();
        for (int i = 0; i < mean.length; i++) {
            mean[i] = total[i] / examples;
        }
        return mean;
    }

    /**
     * ND4J threads for each worker task: in local mode all tasks share this JVM, so the machine's cores are split
     * between the tasks running at once; on a cluster each task gets its {@code spark.task.cpus}.
     */
    public static int threadsPerTask(SparkContext sc, int workers) {
        if (sc.isLocal()) {
            int concurrent = Math.max(1, Math.min(workers, sc.defaultParallelism()));
            return Math.max(1, Runtime.getRuntime().availableProcessors() / concurrent);
        }
        return sc.getConf().getInt("spark.task.cpus", 1);
    }
}
