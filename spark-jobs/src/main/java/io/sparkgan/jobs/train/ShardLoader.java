package io.sparkgan.jobs.train;

import io.sparkgan.data.DatasetException;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Spreads a dataset over the workers, once: rows go to partition {@code id mod workers} (ids are dense from 0 in
 * datasets written by prep, so shards come out equal), each partition becomes one {@link ShardBlock} ordered by
 * id, and the blocks are cached on the executors (spilling to disk when memory is short). Rounds reuse the
 * cached blocks instead of reading and decoding Parquet again.
 */
final class ShardLoader {

    private ShardLoader() {
    }

    static JavaRDD<ShardBlock> load(ImageDataset dataset, int workers) {
        DatasetManifest manifest = dataset.manifest();
        int imageBytes = manifest.height() * manifest.width() * manifest.channels();
        String uri = dataset.uri();
        JavaRDD<ShardBlock> blocks = dataset.rows()
                .select(DatasetSchema.ID, DatasetSchema.LABEL, DatasetSchema.IMAGE)
                .javaRDD()
                .mapToPair(row -> new Tuple2<>(row.getLong(0), row))
                .partitionBy(new HashPartitioner(workers))
                .mapPartitionsWithIndex((partition, rows) -> List.of(block(partition, rows, imageBytes, uri))
                        .iterator(), true);
        return blocks.persist(StorageLevel.MEMORY_AND_DISK());
    }

    private static ShardBlock block(int partition, Iterator<Tuple2<Long, Row>> rows, int imageBytes, String uri) {
        List<Row> sorted = new ArrayList<>();
        rows.forEachRemaining(t -> sorted.add(t._2()));
        sorted.sort((a, b) -> Long.compare(a.getLong(0), b.getLong(0)));
        long[] ids = new long[sorted.size()];
        int[] labels = new int[sorted.size()];
        byte[] pixels = new byte[sorted.size() * imageBytes];
        for (int i = 0; i < ids.length; i++) {
            Row row = sorted.get(i);
            ids[i] = row.getLong(0);
            labels[i] = row.isNullAt(1) ? -1 : row.getInt(1);
            byte[] image = (byte[]) row.get(2);
            if (image.length != imageBytes) {
                throw new DatasetException("dataset " + uri + ": row id " + ids[i] + " has " + image.length
                        + " image bytes, its manifest's shape needs " + imageBytes);
            }
            System.arraycopy(image, 0, pixels, i * imageBytes, imageBytes);
        }
        return new ShardBlock(partition, ids, labels, pixels);
    }
}
