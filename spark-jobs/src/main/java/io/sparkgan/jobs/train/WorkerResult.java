package io.sparkgan.jobs.train;

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
 * What workers send back after a round, in a form that adds up: each worker's final {@code GanState} values times
 * the examples it trained on, plus its step statistics. Adding results is the {@code treeAggregate} combiner.
 *
 * <p>Float addition is not associative and Spark combines partial results in whatever order tasks finish, so a
 * plain running sum would make runs with three or more workers differ in the last bits. Sums are therefore kept
 * per node of a fixed binary tree over partition indexes: two siblings are added (left + right) as soon as both
 * are present, and the remaining nodes are added in partition order at the end. Every order of combination gives
 * the same floats. A worker with an empty shard contributes a leaf with no values (zero weight), which leaves the
 * average unchanged.
 *
 * <p>The sums travel as raw bytes (see {@link #writeObject}): Java serialization writes a float array one element
 * at a time, and for the 2.7 million floats of the 28x28 DCGAN's state that took about 0.25 s per round, most of
 * the round overhead.
 */
final class WorkerResult implements Serializable {
    private static final long serialVersionUID = 2L;

    /** The state sums are {@code transient}: written in bulk by writeObject. */
    private transient TreeMap<Long, float[]> stateSums = new TreeMap<>();
    /** Columns of the per-partition statistics: loss and output sums over steps, then seconds. */
    static final int D_LOSS = 0;
    static final int G_LOSS = 1;
    static final int D_REAL = 2;
    static final int D_FAKE = 3;
    static final int COMPUTE_SECONDS = 4;
    /** Seconds the training thread waited for its next minibatch (0 when prefetching keeps up). */
    static final int INPUT_WAIT_SECONDS = 5;
    /** Steps that also updated G (all of them unless D takes several steps per G step). */
    static final int G_STEPS = 6;
    /** Seconds spent loading the broadcast state into the networks (fetching it included) and capturing the result. */
    static final int STATE_SECONDS = 7;
    static final int STATISTICS = 8;

    private final TreeMap<Integer, double[]> statistics = new TreeMap<>();
    /** Partitions whose worker ended its steps with a loss or a state value that is NaN or infinite. */
    final TreeSet<Integer> nonFinite = new TreeSet<>();
    long examples;
    long steps;
    int generatorIterations;
    int discriminatorIterations;

    static WorkerResult empty() {
        return new WorkerResult();
    }

    /** One worker's contribution; {@code weightedState} null for a worker that trained on nothing. */
    static WorkerResult of(int partition, float[] weightedState, long examples, long steps, int generatorIterations,
                           int discriminatorIterations, double[] statistics) {
        WorkerResult result = new WorkerResult();
        result.insert(0, partition, weightedState);
        result.statistics.put(partition, statistics);
        result.examples = examples;
        result.steps = steps;
        result.generatorIterations = generatorIterations;
        result.discriminatorIterations = discriminatorIterations;
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
        generatorIterations = Math.max(generatorIterations, other.generatorIterations);
        discriminatorIterations = Math.max(discriminatorIterations, other.discriminatorIterations);
        return this;
    }

    /** The sum of all weighted states, the same whatever order results were added in; null if all were empty. */
    float[] stateSum() {
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
    double[] statisticsSum() {
        double[] total = new double[STATISTICS];
        for (double[] s : statistics.values()) {
            for (int i = 0; i < total.length; i++) {
                total[i] += s[i];
            }
        }
        return total;
    }

    /** The slowest worker's compute seconds (the round cannot end before it). */
    double maxComputeSeconds() {
        return max(COMPUTE_SECONDS);
    }

    /** The longest any worker waited for minibatches in the round. */
    double maxInputWaitSeconds() {
        return max(INPUT_WAIT_SECONDS);
    }

    /** The longest any worker took to load and capture the GAN state. */
    double maxStateSeconds() {
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
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
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
