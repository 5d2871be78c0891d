package io.sparkgan.jobs.eval;

import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.ImageTensors;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A conditional generator's samples as a labelled dataset held by Spark (generated on the executors, cached, not
 * written anywhere): what the Classification Accuracy Score trains its classifier on. Rows have the dataset
 * schema; the label of each row is the class it was asked for.
 */
public final class GeneratedImages {

    private GeneratedImages() {
    }

    public static ImageDataset of(SparkSession spark, MultiLayerNetwork generator, GanModelConfig model,
                                  List<String> labelNames, int count, long seed, int partitions) {
        if (!model.conditional) {
            throw new IllegalArgumentException("labelled samples need a conditional generator (train with"
                    + " --conditional)");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // not destroyed here: cached rows that Spark evicts are recomputed from it (the context cleaner drops it)
        NetworkBroadcast g = new NetworkBroadcast(jsc, generator);
        int latentSize = model.latentSize;
        int classes = model.classes;
        int height = model.height;
        int width = model.width;
        int channels = model.channels;
        JavaRDD<Row> rows = SampleBlocks.of(jsc, count, partitions).mapPartitions(assigned -> {
            MultiLayerNetwork gen = g.build();
            List<Row> out = new ArrayList<>();
            while (assigned.hasNext()) {
                int block = assigned.next();
                byte[][] pixels = ImageTensors.toPixels(SampleBlocks.generate(gen, latentSize, classes, seed, block,
                        count));
                int[] labels = SampleBlocks.requestedClasses(SampleBlocks.first(block), pixels.length, classes);
                for (int i = 0; i < pixels.length; i++) {
                    out.add(RowFactory.create((long) SampleBlocks.first(block) + i, labels[i], height, width,
                            channels, pixels[i]));
                }
            }
            return out.iterator();
        });
        List<Long> classCounts = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            classCounts.add((long) (count / classes + (c < count % classes ? 1 : 0)));
        }
        DatasetManifest manifest = new DatasetManifest(DatasetManifest.FORMAT_VERSION, height, width, channels, count,
                labelNames, classCounts, null, null, List.of(), "samples of a conditional generator, seed " + seed,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), Map.of());
        return new ImageDataset("generated:" + seed, manifest,
                spark.createDataFrame(rows, DatasetSchema.SCHEMA).cache());
    }
}
