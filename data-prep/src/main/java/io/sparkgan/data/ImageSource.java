package io.sparkgan.data;

import org.apache.spark.sql.SparkSession;

/** Where {@code sparkgan prep} reads images from: one implementation per {@code --from}. */
interface ImageSource {

    /**
     * Records per partition where a source makes its own partitions; without {@code --shards} each partition
     * becomes one shard, so this is also the default shard size (10,000 MNIST digits are about 8 MB).
     */
    int RECORDS_PER_PARTITION = 10_000;

    /**
     * Checks the input as far as it can without decoding every image (headers, sizes, label sets, record
     * counts) and returns the rows to write. Decoding happens when the rows are written, on the executors.
     */
    PreparedImages prepare(SparkSession spark, PrepOptions options);

    static int partitionsFor(long records) {
        return (int) Math.max(1, (records + RECORDS_PER_PARTITION - 1) / RECORDS_PER_PARTITION);
    }
}
