package io.sparkgan.jobs.eval;

import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.model.ImageTensors;
import io.sparkgan.model.metrics.EvaluatorNetwork;
import io.sparkgan.model.metrics.FeatureSet;
import io.sparkgan.model.metrics.FeatureStatistics;
import io.sparkgan.model.nets.Network;
import java.io.ByteArrayOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The evaluator's features of image sets, computed on the executors (the evaluator is broadcast and each task
 * runs its images through it in batches): of the rows of a dataset, and of samples that a generator makes in the
 * same tasks, so that generated images never travel.
 */
public final class EvaluatorFeatures {

    private static final int BATCH = 256;

    /** Features (and predicted classes) of one image. */
    record ImageFeatures(long key, float[] features, int predicted) implements Serializable {}

    private EvaluatorFeatures() {}

    /** Features of every image of a dataset, ordered by image id. */
    public static FeatureSet extract(ImageDataset data, MultiLayerNetwork evaluator) {
        JavaSparkContext jsc = jsc(data);
        NetworkBroadcast net = new NetworkBroadcast(jsc, Network.of(evaluator));
        try {
            return toFeatureSet(ofRows(data, net).collect(), EvaluatorNetwork.kindOf(evaluator));
        } finally {
            net.destroy();
        }
    }

    /**
     * Statistics of the features of every image of a dataset, merged from per-partition statistics (nothing the
     * size of the dataset reaches the driver), and the features of a seeded random subset of up to
     * {@code subset} images, ordered by id.
     */
    public static Summary summarise(ImageDataset data, MultiLayerNetwork evaluator, int subset, long seed) {
        JavaSparkContext jsc = jsc(data);
        NetworkBroadcast net = new NetworkBroadcast(jsc, Network.of(evaluator));
        try {
            JavaRDD<ImageFeatures> features = ofRows(data, net).cache();
            FeatureStatistics statistics = features.mapPartitions(rows -> {
                        List<double[]> vectors = new ArrayList<>();
                        rows.forEachRemaining(r -> vectors.add(toDoubles(r.features())));
                        return vectors.isEmpty()
                                ? List.<FeatureStatistics>of().iterator()
                                : List.of(FeatureStatistics.of(vectors.toArray(double[][]::new)))
                                        .iterator();
                    })
                    .treeReduce(FeatureStatistics::merge);
            List<ImageFeatures> sample = features.takeSample(false, subset, seed);
            features.unpersist(false);
            return new Summary(statistics, toFeatureSet(sample, EvaluatorNetwork.kindOf(evaluator)));
        } finally {
            net.destroy();
        }
    }

    /** Statistics of a whole set and a subset of its feature vectors. */
    public record Summary(FeatureStatistics statistics, FeatureSet subset) {}

    /**
     * Features of the samples a generator makes ({@link SampleBlocks}), made and featurised on the executors in up
     * to {@code partitions} tasks: the images never travel.
     */
    public static FeatureSet ofGenerator(
            JavaSparkContext jsc,
            Network generator,
            SampleBlocks samples,
            MultiLayerNetwork evaluator,
            int partitions) {
        if (samples.filtered()) {
            throw new IllegalArgumentException("evaluation takes a generator's samples as they come, unfiltered");
        }
        NetworkBroadcast g = new NetworkBroadcast(jsc, generator);
        NetworkBroadcast e = new NetworkBroadcast(jsc, Network.of(evaluator));
        try {
            List<ImageFeatures> rows = samples.blocks(jsc, partitions)
                    .mapPartitions(assigned -> {
                        Network gen = g.build();
                        MultiLayerNetwork eval = e.build().layerStack();
                        List<ImageFeatures> out = new ArrayList<>();
                        while (assigned.hasNext()) {
                            int block = assigned.next();
                            addAll(
                                    out,
                                    samples.first(block),
                                    EvaluatorNetwork.evaluate(eval, samples.generate(gen, null, null, block)));
                        }
                        return out.iterator();
                    })
                    .collect();
            return toFeatureSet(rows, EvaluatorNetwork.kindOf(evaluator));
        } finally {
            g.destroy();
            e.destroy();
        }
    }

    private static JavaRDD<ImageFeatures> ofRows(ImageDataset data, NetworkBroadcast net) {
        DatasetManifest m = data.manifest();
        int height = m.height();
        int width = m.width();
        int channels = m.channels();
        return data.rows()
                .select(DatasetSchema.ID, DatasetSchema.IMAGE)
                .javaRDD()
                .mapPartitions(rows -> {
                    MultiLayerNetwork evaluator = net.build().layerStack();
                    return new Batched(rows, evaluator, height, width, channels);
                });
    }

    /** Runs a partition's rows through the evaluator a batch at a time, as the caller consumes them. */
    private static final class Batched implements Iterator<ImageFeatures> {
        private final Iterator<Row> rows;
        private final MultiLayerNetwork evaluator;
        private final int height;
        private final int width;
        private final int channels;
        private final List<ImageFeatures> ready = new ArrayList<>();
        private int next;

        Batched(Iterator<Row> rows, MultiLayerNetwork evaluator, int height, int width, int channels) {
            this.rows = rows;
            this.evaluator = evaluator;
            this.height = height;
            this.width = width;
            this.channels = channels;
        }

        @Override
        public boolean hasNext() {
            if (next == ready.size()) {
                fill();
            }
            return next < ready.size();
        }

        @Override
        public ImageFeatures next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            return ready.get(next++);
        }

        private void fill() {
            ready.clear();
            next = 0;
            List<Long> ids = new ArrayList<>();
            ByteArrayOutputStream pixels = new ByteArrayOutputStream();
            while (rows.hasNext() && ids.size() < BATCH) {
                Row row = rows.next();
                ids.add(row.getLong(0));
                pixels.writeBytes(row.getAs(1));
            }
            if (ids.isEmpty()) {
                return;
            }
            FeatureSet f = EvaluatorNetwork.evaluate(
                    evaluator, ImageTensors.batch(pixels.toByteArray(), sequence(ids.size()), height, width, channels));
            for (int i = 0; i < ids.size(); i++) {
                ready.add(
                        new ImageFeatures(ids.get(i), toFloats(f.features()[i]), f.hasClasses() ? f.classes()[i] : -1));
            }
        }
    }

    private static void addAll(List<ImageFeatures> out, long firstKey, FeatureSet f) {
        for (int i = 0; i < f.size(); i++) {
            out.add(new ImageFeatures(firstKey + i, toFloats(f.features()[i]), f.hasClasses() ? f.classes()[i] : -1));
        }
    }

    private static FeatureSet toFeatureSet(List<ImageFeatures> rows, EvaluatorNetwork.Kind kind) {
        List<ImageFeatures> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingLong(ImageFeatures::key));
        double[][] features = sorted.stream().map(r -> toDoubles(r.features())).toArray(double[][]::new);
        int[] classes = kind == EvaluatorNetwork.Kind.CLASSIFIER
                ? sorted.stream().mapToInt(ImageFeatures::predicted).toArray()
                : null;
        return new FeatureSet(features, classes);
    }

    private static JavaSparkContext jsc(ImageDataset data) {
        return JavaSparkContext.fromSparkContext(data.rows().sparkSession().sparkContext());
    }

    static int[] sequence(int n) {
        int[] indexes = new int[n];
        Arrays.setAll(indexes, i -> i);
        return indexes;
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
