package io.sparkgan.jobs.train;

import java.io.Serializable;

/**
 * One worker's share of the dataset, decoded once and cached on the executors: the images' uint8 HWC pixels back
 * to back (compact: 47 MB for all of MNIST), their labels (-1 when unlabelled) and ids, ordered by id so that
 * the block is the same whatever order Spark's shuffle delivered the rows in.
 */
final class ShardBlock implements Serializable {
    private static final long serialVersionUID = 1L;

    final int partition;
    final long[] ids;
    final int[] labels;
    final byte[] pixels;

    ShardBlock(int partition, long[] ids, int[] labels, byte[] pixels) {
        this.partition = partition;
        this.ids = ids;
        this.labels = labels;
        this.pixels = pixels;
    }

    int size() {
        return ids.length;
    }
}
