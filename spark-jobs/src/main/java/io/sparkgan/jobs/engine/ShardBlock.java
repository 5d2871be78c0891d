package io.sparkgan.jobs.engine;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One worker's share of the dataset, decoded once and cached on the executors: the images' uint8 HWC pixels back
 * to back (compact: 47 MB for all of MNIST), their labels (-1 when unlabelled) and ids, ordered by id so that
 * the block is the same whatever order Spark's shuffle delivered the rows in. The pixels are held in chunks of
 * whole images of at most {@link #CHUNK_BYTES}, so a shard of any size fits Java's arrays (one array stops at
 * 2 GiB).
 */
public final class ShardBlock implements Serializable {
    private static final long serialVersionUID = 2L;
    static final int CHUNK_BYTES = 64 << 20;

    final int partition;
    final long[] ids;
    final int[] labels;
    private final int imageBytes;
    private final int imagesPerChunk;
    private final byte[][] chunks;

    private ShardBlock(int partition, long[] ids, int[] labels, int imageBytes, int imagesPerChunk, byte[][] chunks) {
        this.partition = partition;
        this.ids = ids;
        this.labels = labels;
        this.imageBytes = imageBytes;
        this.imagesPerChunk = imagesPerChunk;
        this.chunks = chunks;
    }

    public int partition() {
        return partition;
    }

    public int size() {
        return ids.length;
    }

    /** The pixels of the images at {@code indexes}, back to back. */
    byte[] gather(int[] indexes) {
        byte[] out = new byte[indexes.length * imageBytes];
        for (int i = 0; i < indexes.length; i++) {
            int index = indexes[i];
            System.arraycopy(
                    chunks[index / imagesPerChunk],
                    (index % imagesPerChunk) * imageBytes,
                    out,
                    i * imageBytes,
                    imageBytes);
        }
        return out;
    }

    /** Collects images in id order into a block. */
    static final class Builder {
        private final int partition;
        private final int imageBytes;
        private final int imagesPerChunk;
        private final List<byte[]> chunks = new ArrayList<>();
        private long[] ids = new long[1024];
        private int[] labels = new int[1024];
        private int size;

        Builder(int partition, int imageBytes) {
            this(partition, imageBytes, CHUNK_BYTES);
        }

        /** @param chunkBytes the most bytes in one chunk (smaller in tests, to cross chunk boundaries) */
        Builder(int partition, int imageBytes, int chunkBytes) {
            this.partition = partition;
            this.imageBytes = imageBytes;
            this.imagesPerChunk = Math.max(1, chunkBytes / Math.max(1, imageBytes));
        }

        void add(long id, int label, byte[] image) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
                labels = Arrays.copyOf(labels, size * 2);
            }
            if (size % imagesPerChunk == 0) {
                chunks.add(new byte[imagesPerChunk * imageBytes]);
            }
            System.arraycopy(image, 0, chunks.get(chunks.size() - 1), (size % imagesPerChunk) * imageBytes, imageBytes);
            ids[size] = id;
            labels[size] = label;
            size++;
        }

        ShardBlock build() {
            byte[][] all = chunks.toArray(byte[][]::new);
            // the last chunk holds only what it needs
            int inLast = size % imagesPerChunk;
            if (inLast > 0) {
                all[all.length - 1] = Arrays.copyOf(all[all.length - 1], inLast * imageBytes);
            }
            return new ShardBlock(
                    partition, Arrays.copyOf(ids, size), Arrays.copyOf(labels, size), imageBytes, imagesPerChunk, all);
        }
    }
}
