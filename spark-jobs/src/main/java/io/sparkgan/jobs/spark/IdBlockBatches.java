package io.sparkgan.jobs.spark;

import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * A dataset processed in batches of fixed ids: the rows with ids {@code [k BATCH, (k + 1) BATCH)} form one batch,
 * within one task, in id order. The batches, and so every float computed on them, are the same whatever the
 * partitioning: a job run this way on a cluster gives what it gives on one machine.
 */
public final class IdBlockBatches {

    /** Images per batch, and ids per block that one batch covers. */
    public static final int BATCH = 256;

    private IdBlockBatches() {}

    /** What a task does with each batch: rows (id, label, image) in, result rows out. */
    public interface BatchFunction<T> {
        List<T> apply(List<Row> batch) throws Exception;
    }

    /** Makes a task's batch function (once per task: networks are built here). */
    public interface Factory<T> extends Serializable {
        BatchFunction<T> create() throws Exception;
    }

    /** The results of every batch of {@code dataset}, made in {@code partitions} tasks (null: the dataset's). */
    public static <T> JavaRDD<T> map(ImageDataset dataset, Integer partitions, Factory<T> factory) {
        JavaPairRDD<Long, Row> byId = dataset.rows()
                .select(DatasetSchema.ID, DatasetSchema.LABEL, DatasetSchema.IMAGE)
                .javaRDD()
                .mapToPair(row -> new Tuple2<>(row.getLong(0), row));
        int tasks = partitions != null ? partitions : byId.getNumPartitions();
        return byId.repartitionAndSortWithinPartitions(new IdBlocks(tasks))
                .values()
                .mapPartitions(input -> {
                    BatchFunction<T> function = factory.create();
                    List<T> out = new ArrayList<>();
                    List<Row> batch = new ArrayList<>();
                    while (input.hasNext()) {
                        Row row = input.next();
                        if (!batch.isEmpty() && block(batch.get(0).getLong(0)) != block(row.getLong(0))) {
                            List<Row> full = batch;
                            out.addAll(NativeMemoryExhausted.guard(() -> function.apply(full)));
                            batch = new ArrayList<>();
                        }
                        batch.add(row);
                    }
                    if (!batch.isEmpty()) {
                        List<Row> last = batch;
                        out.addAll(NativeMemoryExhausted.guard(() -> function.apply(last)));
                    }
                    return out.iterator();
                });
    }

    static long block(long id) {
        return Math.floorDiv(id, BATCH);
    }

    /** Sends the ids of one batch ({@code id / BATCH}) to one task. */
    static final class IdBlocks extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int tasks;

        IdBlocks(int tasks) {
            this.tasks = tasks;
        }

        @Override
        public int numPartitions() {
            return tasks;
        }

        @Override
        public int getPartition(Object id) {
            return (int) Math.floorMod(block((Long) id), (long) tasks);
        }
    }
}
