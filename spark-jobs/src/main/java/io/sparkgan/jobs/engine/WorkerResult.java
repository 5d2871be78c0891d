package io.sparkgan.jobs.engine;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What workers send back after a round, in a form that adds up: each worker's final state values times the
 * examples it trained on, its counters (the maximum is kept), and its statistics: the engine's timings, then the
 * trainer's columns ({@link TrainerSpec#statisticNames()}). Adding results is the {@code treeAggregate} combiner.
 *
 * <p>Float addition is not associative and Spark combines partial results in whatever order tasks finish, so a
 * plain running sum would make runs with three or more workers differ in the last bits. Sums are therefore kept
 * per node of a fixed binary tree over partition indexes: two siblings are added (left + right) as soon as both
 * are present, and the remaining nodes are added in partition order at the end. Every order of combination gives
 * the same floats. A worker with an empty shard contributes a leaf with no values (zero weight), which leaves the
 * average unchanged.
 *
 * <p>The sums travel as raw bytes (see {@link #writeObject}): Java serialization writes a float array one element
 * at a time, which for a GAN's millions of floats was most of the round's overhead.
 */
public final class WorkerResult implements Serializable {
    private static final long serialVersionUID = 3L;

    /** The state sums are {@code transient}: written in bulk by writeObject. */
    private transient TreeMap<Long, float[]> stateSums = new TreeMap<>();
    /** The engine's columns of the per-partition statistics; the trainer's follow from {@link #TRAINER}. */
    static final int COMPUTE_SECONDS = 0;
    /** Seconds the training thread waited for its next minibatch (0 when prefetching keeps up). */
    static final int INPUT_WAIT_SECONDS = 1;
    /** Seconds spent loading the broadcast state into the networks (fetching it included) and capturing the result. */
    static final int STATE_SECONDS = 2;

    static final int TRAINER = 3;

    private final TreeMap<Integer, double[]> statistics = new TreeMap<>();
    /** Partitions whose worker ended its steps with a loss or a state value that is NaN or infinite. */
    private final TreeSet<Integer> nonFinite = new TreeSet<>();

    private long examples;
    private long steps;
    private int[] counters = new int[0];

    static WorkerResult empty() {
        return new WorkerResult();
    }

    /** One worker's contribution; {@code weightedState} null for a worker that trained on nothing. */
    static WorkerResult of(
            int partition,
            float[] weightedState,
            long examples,
            long steps,
            int[] counters,
            double[] statistics,
            boolean finite) {
        WorkerResult result = new WorkerResult();
        result.insert(0, partition, weightedState);
        result.statistics.put(partition, statistics);
        result.examples = examples;
        result.steps = steps;
        result.counters = counters;
        if (!finite) {
            result.nonFinite.add(partition);
        }
        return result;
    }

    /** Adds {@code other} into this (in place, as Spark's aggregation allows) and returns this. */
    WorkerResult add(WorkerResult other) {
        for (Map.Entry<Long, float[]> node : other.stateSums.entrySet()) {
            insert((int) (node.getKey() >>> 32), (int) (long) node.getKey(), node.getValue());
        }
        statistics.putAll(other.statistics);
        nonFinite.addAll(other.nonFinite);
        examples += other.examples;
        steps += other.steps;
        int[] combined = java.util.Arrays.copyOf(counters, Math.max(counters.length, other.counters.length));
        for (int i = 0; i < other.counters.length; i++) {
            combined[i] = Math.max(combined[i], other.counters[i]);
        }
        counters = combined;
        return this;
    }

    /** Examples trained on over all workers. */
    public long examples() {
        return examples;
    }

    /** Local steps over all workers. */
    public long steps() {
        return steps;
    }

    /** The workers' counters, each the largest any worker reported. */
    public int[] counters() {
        return counters.clone();
    }

    /** Partitions whose worker ended its steps with a statistic or a state value that is NaN or infinite. */
    public java.util.SortedSet<Integer> nonFinite() {
        return java.util.Collections.unmodifiableSortedSet(nonFinite);
    }

    /** The sum over workers of the trainer's statistic {@code column} (of {@link TrainerSpec#statisticNames()}). */
    public double statistic(int column) {
        return statisticsSum()[TRAINER + column];
    }

    /** The sum of all weighted states, the same whatever order results were added in; null if all were empty. */
    public float[] stateSum() {
        float[] total = null;
        // remaining nodes cover disjoint partition ranges; add them in order of their first partition
        TreeMap<Long, float[]> byFirstPartition = new TreeMap<>();
        for (Map.Entry<Long, float[]> node : stateSums.entrySet()) {
            int level = (int) (node.getKey() >>> 32);
            long index = (int) (long) node.getKey();
            byFirstPartition.put(index << level, node.getValue());
        }
        for (float[] values : byFirstPartition.values()) {
            total = sum(total, values);
        }
        return total;
    }

    /** Column sums of the per-partition statistics, added in partition order. */
    private double[] statisticsSum() {
        double[] total = null;
        for (double[] s : statistics.values()) {
            if (total == null) {
                total = new double[s.length];
            }
            for (int i = 0; i < total.length; i++) {
                total[i] += s[i];
            }
        }
        return total;
    }

    /** The slowest worker's compute seconds (the round cannot end before it). */
    public double maxComputeSeconds() {
        return max(COMPUTE_SECONDS);
    }

    /** The longest any worker waited for minibatches in the round. */
    public double maxInputWaitSeconds() {
        return max(INPUT_WAIT_SECONDS);
    }

    /** The longest any worker took to load and capture its state. */
    public double maxStateSeconds() {
        return max(STATE_SECONDS);
    }

    private double max(int column) {
        return statistics.values().stream().mapToDouble(s -> s[column]).max().orElse(0);
    }

    private void insert(int level, int index, float[] values) {
        while (true) {
            long siblingKey = key(level, index ^ 1);
            if (!stateSums.containsKey(siblingKey)) {
                stateSums.put(key(level, index), values);
                return;
            }
            float[] sibling = stateSums.remove(siblingKey);
            values = (index & 1) == 0 ? sum(values, sibling) : sum(sibling, values);
            level++;
            index >>>= 1;
        }
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeInt(stateSums.size());
        for (Map.Entry<Long, float[]> node : stateSums.entrySet()) {
            out.writeLong(node.getKey());
            float[] values = node.getValue();
            out.writeInt(values == null ? -1 : values.length);
            if (values != null) {
                ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(values);
                out.write(bytes.array());
            }
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        stateSums = new TreeMap<>();
        int nodes = in.readInt();
        for (int n = 0; n < nodes; n++) {
            long key = in.readLong();
            int length = in.readInt();
            float[] values = null;
            if (length >= 0) {
                byte[] bytes = new byte[4 * length];
                in.readFully(bytes);
                values = new float[length];
                ByteBuffer.wrap(bytes)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer()
                        .get(values);
            }
            stateSums.put(key, values);
        }
    }

    private static long key(int level, int index) {
        return ((long) level << 32) | (index & 0xFFFFFFFFL);
    }

    /** left + right element-wise, null meaning zeros; a new array unless one side is null. */
    private static float[] sum(float[] left, float[] right) {
        if (left == null) {
            return right;
        }
        if (right == null) {
            return left;
        }
        float[] out = new float[left.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = left[i] + right[i];
        }
        return out;
    }
}
