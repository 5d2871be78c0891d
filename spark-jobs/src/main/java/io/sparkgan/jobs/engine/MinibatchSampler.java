package io.sparkgan.jobs.engine;

import io.sparkgan.model.sampling.LatentNoise;
import java.util.SplittableRandom;

/**
 * Which of a partition's images form the minibatch of a given local step: a pure function of (seed, partition,
 * step), so that a run is repeatable, a re-executed task trains on the same batches and a resumed run continues
 * exactly where it stopped. The images are visited epoch by epoch, each epoch in its own seeded random order;
 * minibatch k takes positions [k*b, (k+1)*b) of that endless sequence.
 */
public final class MinibatchSampler {

    private final long seed;
    private final int partition;
    private final int size;
    private long cachedEpoch = -1;
    private int[] cachedOrder;

    public MinibatchSampler(long seed, int partition, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("cannot sample from an empty partition");
        }
        this.seed = seed;
        this.partition = partition;
        this.size = size;
    }

    public int[] indexes(long step, int batch) {
        int[] out = new int[batch];
        long position = step * batch;
        for (int i = 0; i < batch; i++, position++) {
            out[i] = order(position / size)[(int) (position % size)];
        }
        return out;
    }

    private int[] order(long epoch) {
        if (epoch != cachedEpoch) {
            int[] order = new int[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            SplittableRandom random = new SplittableRandom(LatentNoise.derive(seed, partition, epoch));
            for (int i = size - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            cachedOrder = order;
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }
}
