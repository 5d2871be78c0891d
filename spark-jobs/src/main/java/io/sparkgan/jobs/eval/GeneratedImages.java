package io.sparkgan.jobs.eval;

import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.ImageTensors;
import io.sparkgan.model.nets.Network;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * A generator's samples as rows of the dataset schema, made on the executors ({@link SampleBlocks}): the id of a
 * row is its sample id and, for a conditional generator, its label is the class it was asked for.
 */
public final class GeneratedImages {

    private GeneratedImages() {}

    /**
     * The rows of {@code samples}, made in up to {@code partitions} tasks. D is needed only for a filtered sample
     * set. The broadcast networks are not destroyed here: rows that Spark recomputes (an evicted cache, a retried
     * task) need them, and the context cleaner drops them once the RDD is gone.
     */
    public static JavaRDD<Row> rows(
            JavaSparkContext jsc,
            SampleBlocks samples,
            Network generator,
            Network discriminator,
            GanModelConfig model,
            int partitions) {
        NetworkBroadcast g = new NetworkBroadcast(jsc, generator);
        NetworkBroadcast d = samples.filtered() ? new NetworkBroadcast(jsc, discriminator) : null;
        int height = model.height;
        int width = model.width;
        int channels = model.channels;
        return samples.blocks(jsc, partitions).mapPartitions(assigned -> {
            Network gen = g.build();
            Network dis = d == null ? null : d.build();
            List<Row> out = new ArrayList<>();
            while (assigned.hasNext()) {
                int block = assigned.next();
                byte[][] pixels = ImageTensors.toPixels(samples.generate(gen, dis, model, block));
                int[] labels = samples.labels(block);
                for (int i = 0; i < pixels.length; i++) {
                    out.add(RowFactory.create(
                            (long) samples.first(block) + i,
                            labels == null ? null : labels[i],
                            height,
                            width,
                            channels,
                            pixels[i]));
                }
            }
            return out.iterator();
        });
    }

    /**
     * {@code count} labelled samples of a conditional generator, every class with real images alike, held by
     * Spark (cached, not written anywhere): what the Classification Accuracy Score trains its classifier on.
     */
    public static ImageDataset of(
            SparkSession spark,
            Network generator,
            GanModelConfig model,
            List<String> labelNames,
            double[] realFrequencies,
            int count,
            long seed,
            int partitions) {
        if (!model.conditional) {
            throw new IllegalArgumentException(
                    "labelled samples need a conditional generator (train with" + " --conditional)");
        }
        SampleBlocks samples = SampleBlocks.of(model, count, seed, realFrequencies);
        JavaRDD<Row> rows = rows(
                JavaSparkContext.fromSparkContext(spark.sparkContext()), samples, generator, null, model, partitions);
        DatasetManifest manifest = new DatasetManifest(
                DatasetManifest.FORMAT_VERSION,
                model.height,
                model.width,
                model.channels,
                count,
                labelNames,
                Arrays.stream(samples.classCounts()).boxed().toList(),
                null,
                null,
                List.of(),
                "samples of a conditional generator, seed " + seed,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                Map.of());
        return new ImageDataset(
                "generated:" + seed,
                manifest,
                spark.createDataFrame(rows, DatasetSchema.SCHEMA).cache());
    }
}
