package io.sparkgan.jobs.train;

import io.sparkgan.model.GanState;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;

/**
 * The driver's half of a round: run the workers over the cached shards with the broadcast state, combine their
 * results with {@code treeAggregate} (partial sums are added on the executors, not all shipped to the driver),
 * and turn the sum into the example-weighted mean of parameters and optimizer states.
 */
final class ParameterAverager {

    private static final int TREE_DEPTH = 2;

    private ParameterAverager() {
    }

    static WorkerResult runRound(JavaRDD<ShardBlock> shards, Broadcast<byte[]> state, RoundPlan plan) {
        return shards.mapPartitionsWithIndex(new TrainingWorker(state, plan), true)
                .treeAggregate(WorkerResult.empty(), WorkerResult::add, WorkerResult::add, TREE_DEPTH);
    }

    static GanState average(WorkerResult sum, GanState.Layout layout) {
        float[] total = sum.stateSum();
        if (total == null || sum.examples == 0) {
            throw new IllegalStateException("no worker had any data to train on");
        }
        float[] mean = new float[total.length];
        float examples = sum.examples;
        for (int i = 0; i < mean.length; i++) {
            mean[i] = total[i] / examples;
        }
        return new GanState(mean, layout, sum.generatorIterations, sum.discriminatorIterations);
    }
}
