package io.sparkgan.jobs.engine;

import io.sparkgan.jobs.run.FaultInjection;
import io.sparkgan.jobs.spark.NativeMemoryExhausted;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The worker side of a round, run by Spark on each partition: load the broadcast state into this JVM's trainer,
 * run the round's local steps on the partition's own minibatches, and return the final state weighted by the
 * examples trained on.
 */
public final class EngineWorker implements Function2<Integer, Iterator<ShardBlock>, Iterator<WorkerResult>> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<byte[]> state;
    private final RoundPlan plan;

    public EngineWorker(Broadcast<byte[]> state, RoundPlan plan) {
        this.state = state;
        this.plan = plan;
    }

    @Override
    public Iterator<WorkerResult> call(Integer partition, Iterator<ShardBlock> blocks) throws Exception {
        ShardBlock block = blocks.hasNext() ? blocks.next() : null;
        if (block == null || block.size() == 0) {
            double[] nothing = new double
                    [WorkerResult.TRAINER + plan.trainer().statisticNames().size()];
            return List.of(WorkerResult.of(partition, null, 0, 0, new int[0], nothing, true))
                    .iterator();
        }
        if (plan.threads() > 0) {
            // ND4J's own loops and the BLAS behind matrix products have separate thread pools
            Nd4j.getEnvironment().setMaxThreads(plan.threads());
            Nd4j.factory().blas().setMaxThreads(plan.threads());
        }
        LocalTrainer trainer = TrainerPool.borrow(plan.trainer());
        try {
            return List.of(NativeMemoryExhausted.guard(() -> train(trainer, block)))
                    .iterator();
        } finally {
            TrainerPool.release(plan.trainer(), trainer);
        }
    }

    /** The round on one partition with a given trainer (configured for the round). */
    public WorkerResult train(LocalTrainer trainer, ShardBlock block) {
        long loadStart = System.nanoTime();
        trainer.load(state.value());
        double[] statistics = new double
                [WorkerResult.TRAINER + plan.trainer().statisticNames().size()];
        double[] trainerStatistics = new double[plan.trainer().statisticNames().size()];
        long start = System.nanoTime();
        long waiting = 0;
        try (BatchPrefetcher batches = new BatchPrefetcher(block, plan)) {
            TaskContext task = TaskContext.get();
            for (int i = 0; i < plan.steps(); i++) {
                // a cancelled round (the driver stopping: GracefulStop) ends at the next step, not after all of them
                if (task != null) {
                    task.killTaskIfInterrupted();
                }
                long asked = System.nanoTime();
                try (Minibatch batch = batches.next()) {
                    waiting += System.nanoTime() - asked;
                    trainer.step(batch, trainerStatistics);
                }
            }
        }
        long end = System.nanoTime();
        LocalTrainer.TrainedState trained = trainer.capture();
        long examples = (long) plan.steps() * plan.batch();
        float[] weighted = trained.values();
        for (int i = 0; i < weighted.length; i++) {
            weighted[i] *= examples;
        }
        if (FaultInjection.nonFinite(plan.firstStep(), block.partition)) {
            weighted[0] = Float.NaN;
            trainerStatistics[0] = Double.NaN;
        }
        boolean finite = allFinite(weighted);
        for (double s : trainerStatistics) {
            finite &= Double.isFinite(s);
        }
        System.arraycopy(trainerStatistics, 0, statistics, WorkerResult.TRAINER, trainerStatistics.length);
        statistics[WorkerResult.COMPUTE_SECONDS] = (end - start) / 1e9;
        statistics[WorkerResult.INPUT_WAIT_SECONDS] = waiting / 1e9;
        statistics[WorkerResult.STATE_SECONDS] = (start - loadStart + System.nanoTime() - end) / 1e9;
        return WorkerResult.of(
                block.partition, weighted, examples, plan.steps(), trained.counters(), statistics, finite);
    }

    public static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
