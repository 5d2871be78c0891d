package io.sparkgan.jobs.engine;

import io.sparkgan.model.ImageTensors;
import io.sparkgan.model.nets.ClassConditioning;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Assembles the next minibatches (real images normalised to [-1, 1], their labels) on a background thread while
 * the current step runs, so that decoding never sits on the training thread's critical path.
 */
public final class BatchPrefetcher implements AutoCloseable {

    private static final int DEPTH = 2;

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sparkgan-batch-prefetch");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<Future<Minibatch>> ready = new ArrayBlockingQueue<>(DEPTH + 1);
    private final ShardBlock block;
    private final MinibatchSampler sampler;
    private final RoundPlan plan;
    /** 0, 1, ..., batch - 1: the gathered images are in order. */
    private final int[] sequence;

    private long nextStep;
    private final long endStep;

    public BatchPrefetcher(ShardBlock block, RoundPlan plan) {
        this.block = block;
        this.plan = plan;
        this.sampler = new MinibatchSampler(plan.seed(), block.partition, block.size());
        this.sequence = java.util.stream.IntStream.range(0, plan.batch()).toArray();
        this.nextStep = plan.firstStep();
        this.endStep = plan.firstStep() + plan.steps();
        for (int i = 0; i < DEPTH; i++) {
            schedule();
        }
    }

    public Minibatch next() {
        try {
            Minibatch batch = ready.remove().get();
            schedule();
            return batch;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a minibatch", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("preparing a minibatch failed: " + e.getCause(), e.getCause());
        }
    }

    private void schedule() {
        if (nextStep < endStep) {
            long step = nextStep++;
            ready.add(thread.submit(() -> make(step)));
        }
    }

    private Minibatch make(long step) {
        int[] indexes = sampler.indexes(step, plan.batch());
        INDArray real =
                ImageTensors.batch(block.gather(indexes), sequence, plan.height(), plan.width(), plan.channels());
        if (plan.flat()) {
            real = real.reshape(indexes.length, (long) plan.height() * plan.width() * plan.channels());
        }
        INDArray labels = null;
        if (plan.labelClasses() > 0) {
            int[] classes = new int[indexes.length];
            for (int i = 0; i < indexes.length; i++) {
                classes[i] = block.labels[indexes[i]];
            }
            labels = ClassConditioning.oneHot(classes, plan.labelClasses(), DataType.FLOAT);
        }
        return new Minibatch(real, labels, block.partition, step);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
