package io.sparkgan.jobs.engine;

import io.sparkgan.data.DatasetException;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Spreads a dataset over the workers, once: rows go to partition {@code id mod workers} (ids are dense from 0 in
 * datasets written by prep, so shards come out equal) and arrive sorted by id, each partition becomes one
 * {@link ShardBlock} (streamed in, never held as rows), and the blocks are cached on the executors (spilling to
 * disk when memory is short). Rounds reuse the cached blocks instead of reading and decoding Parquet again.
 *
 * <p>Caching reads every row once, so every row is held to the manifest there, before training starts: its shape
 * (a 14x56 image has the bytes of a 28x28 one) and its label's range; an error names the file and the row id.
 */
public final class ShardLoader {

    private ShardLoader() {}

    /** Cached shards, their sizes in partition order, and how many are not empty. */
    public record Shards(JavaRDD<ShardBlock> blocks, List<Integer> sizes, int activeWorkers) {}

    /**
     * Loads and caches the shards, and holds the rows read to {@code expectedRows} (what the manifest says the data
     * to train on holds); errors name the dataset.
     */
    public static Shards loadChecked(ImageDataset dataset, int workers, long expectedRows) {
        JavaRDD<ShardBlock> blocks = load(dataset, workers);
        List<Integer> sizes = blocks.map(ShardBlock::size).collect();
        long rows = sizes.stream().mapToLong(Integer::longValue).sum();
        if (rows != expectedRows) {
            throw new IllegalArgumentException("dataset " + dataset.uri() + " holds " + rows + " rows to train on but"
                    + " its manifest says " + expectedRows + " (run 'sparkgan prep --validate' for details)");
        }
        int active = (int) sizes.stream().filter(size -> size > 0).count();
        if (active == 0) {
            throw new IllegalArgumentException("dataset " + dataset.uri() + " has no rows to train on");
        }
        return new Shards(blocks, sizes, active);
    }

    public static JavaRDD<ShardBlock> load(ImageDataset dataset, int workers) {
        DatasetManifest manifest = dataset.manifest();
        RowCheck check = new RowCheck(
                dataset.uri(),
                manifest.height(),
                manifest.width(),
                manifest.channels(),
                manifest.labelled() ? manifest.numClasses() : 0);
        JavaRDD<ShardBlock> blocks = dataset.rows()
                .select(
                        functions.col(DatasetSchema.ID),
                        functions.col(DatasetSchema.LABEL),
                        functions.col(DatasetSchema.HEIGHT),
                        functions.col(DatasetSchema.WIDTH),
                        functions.col(DatasetSchema.CHANNELS),
                        functions.col(DatasetSchema.IMAGE),
                        functions.input_file_name())
                .javaRDD()
                .mapToPair(row -> new Tuple2<>(row.getLong(0), row))
                .repartitionAndSortWithinPartitions(new HashPartitioner(workers))
                .mapPartitionsWithIndex(
                        (partition, rows) ->
                                List.of(block(partition, rows, check)).iterator(),
                        true);
        return blocks.persist(StorageLevel.MEMORY_AND_DISK());
    }

    /** What every row must agree with: the manifest's shape and number of classes (0 when unlabelled). */
    record RowCheck(String uri, int height, int width, int channels, int classes) implements java.io.Serializable {

        int imageBytes() {
            return height * width * channels;
        }

        void check(Row row, long id) {
            int h = row.getInt(2);
            int w = row.getInt(3);
            int c = row.getInt(4);
            byte[] image = (byte[]) row.get(5);
            if (h != height || w != width || c != channels) {
                throw fail(
                        row,
                        id,
                        "is a " + h + "x" + w + "x" + c + " image; the manifest's shape is " + height + "x" + width
                                + "x" + channels);
            }
            if (image == null || image.length != imageBytes()) {
                throw fail(
                        row,
                        id,
                        "has " + (image == null ? 0 : image.length) + " image bytes, its shape needs " + imageBytes());
            }
            if (classes > 0 && (row.isNullAt(1) || row.getInt(1) < 0 || row.getInt(1) >= classes)) {
                throw fail(
                        row,
                        id,
                        "has label " + (row.isNullAt(1) ? "null" : row.getInt(1)) + ", outside the"
                                + " manifest's classes [0, " + classes + ")");
            }
        }

        private DatasetException fail(Row row, long id, String problem) {
            return new DatasetException("dataset " + uri + ", file " + row.getString(6) + ": row id " + id + " "
                    + problem + " (run 'sparkgan prep --validate' for the whole dataset)");
        }
    }

    private static ShardBlock block(int partition, Iterator<Tuple2<Long, Row>> rows, RowCheck check) {
        ShardBlock.Builder block = new ShardBlock.Builder(partition, check.imageBytes());
        while (rows.hasNext()) {
            Tuple2<Long, Row> next = rows.next();
            Row row = next._2();
            check.check(row, next._1());
            block.add(next._1(), row.isNullAt(1) ? -1 : row.getInt(1), (byte[]) row.get(5));
        }
        return block.build();
    }
}
