package io.sparkgan.jobs.train;

import io.sparkgan.model.GanState;
import io.sparkgan.model.GanStep;
import io.sparkgan.model.StepStats;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Iterator;
import java.util.List;

/**
 * The worker side of a round, run by Spark on each partition: load the broadcast state into this JVM's networks,
 * run the round's local GAN steps on the partition's own minibatches, and return the final state weighted by the
 * examples trained on.
 */
final class TrainingWorker implements Function2<Integer, Iterator<ShardBlock>, Iterator<WorkerResult>> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<byte[]> state;
    private final RoundPlan plan;

    TrainingWorker(Broadcast<byte[]> state, RoundPlan plan) {
        this.state = state;
        this.plan = plan;
    }

    @Override
    public Iterator<WorkerResult> call(Integer partition, Iterator<ShardBlock> blocks) {
        ShardBlock block = blocks.hasNext() ? blocks.next() : null;
        if (block == null || block.size() == 0) {
            return List.of(WorkerResult.of(partition, null, 0, 0, 0, 0, new double[WorkerResult.STATISTICS]))
                    .iterator();
        }
        if (plan.threads() > 0) {
            // ND4J's own loops and the BLAS behind matrix products have separate thread pools
            Nd4j.getEnvironment().setMaxThreads(plan.threads());
            Nd4j.factory().blas().setMaxThreads(plan.threads());
        }
        GanStep step = NetworkPool.borrow(plan.architectureJson());
        try {
            step.setLearningRates(plan.lrG(), plan.lrD());
            return List.of(train(step, block)).iterator();
        } finally {
            NetworkPool.release(plan.architectureJson(), step);
        }
    }

    WorkerResult train(GanStep step, ShardBlock block) {
        long loadStart = System.nanoTime();
        GanState.fromBytes(state.value()).applyTo(step.generator(), step.discriminator(), step.average());
        double[] statistics = new double[WorkerResult.STATISTICS];
        long start = System.nanoTime();
        long waiting = 0;
        try (BatchPrefetcher batches = new BatchPrefetcher(block, plan)) {
            for (int i = 0; i < plan.steps(); i++) {
                long asked = System.nanoTime();
                BatchPrefetcher.Batch batch = batches.next();
                waiting += System.nanoTime() - asked;
                // steps are numbered globally, so G's turns fall on the same steps whatever the rounds
                boolean updateGenerator = (plan.firstStep() + i + 1) % plan.dSteps() == 0;
                StepStats stats = step.step(batch.real(), batch.noise(), batch.labels(), batch.augmentSeed(),
                        updateGenerator);
                batch.close();
                statistics[WorkerResult.D_LOSS] += stats.dLoss();
                if (updateGenerator) {
                    statistics[WorkerResult.G_LOSS] += stats.gLoss();
                    statistics[WorkerResult.G_STEPS]++;
                    step.updateAverage(plan.imagesPerStep(), (plan.firstStep() + i + 1) * plan.imagesPerStep());
                }
                statistics[WorkerResult.D_REAL] += stats.dReal();
                statistics[WorkerResult.D_FAKE] += stats.dFake();
            }
        }
        long end = System.nanoTime();
        statistics[WorkerResult.COMPUTE_SECONDS] = (end - start) / 1e9;
        statistics[WorkerResult.INPUT_WAIT_SECONDS] = waiting / 1e9;
        GanState trained = GanState.capture(step.generator(), step.discriminator(), step.average());
        long examples = (long) plan.steps() * plan.batch();
        float[] weighted = trained.values();
        for (int i = 0; i < weighted.length; i++) {
            weighted[i] *= examples;
        }
        if (FaultInjection.nonFinite(plan.firstStep(), block.partition)) {
            weighted[0] = Float.NaN;
            statistics[WorkerResult.D_LOSS] = Double.NaN;
        }
        boolean finite = allFinite(weighted) && Double.isFinite(statistics[WorkerResult.D_LOSS])
                && Double.isFinite(statistics[WorkerResult.G_LOSS]);
        statistics[WorkerResult.STATE_SECONDS] = (start - loadStart + System.nanoTime() - end) / 1e9;
        WorkerResult result = WorkerResult.of(block.partition, weighted, examples, plan.steps(),
                trained.generatorIterations(), trained.discriminatorIterations(), statistics);
        if (!finite) {
            result.nonFinite.add(block.partition);
        }
        return result;
    }

    static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
