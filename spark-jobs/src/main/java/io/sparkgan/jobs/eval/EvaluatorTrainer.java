package io.sparkgan.jobs.eval;

import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.model.ImageTensors;
import io.sparkgan.model.metrics.EvaluatorNetwork;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Trains the evaluator classifier on a labelled dataset with DL4J's own Spark integration: a
 * {@link SparkDl4jMultiLayer} under a {@link ParameterAveragingTrainingMaster} (workers fit minibatches of their
 * partition and the driver averages parameters every few of them), then measures accuracy on a test dataset.
 */
public final class EvaluatorTrainer {

    /** The trained network and its accuracy on the test dataset. */
    public record Result(MultiLayerNetwork network, double testAccuracy, int epochs) {
    }

    private EvaluatorTrainer() {
    }

    public static Result train(SparkSession spark, ImageDataset train, ImageDataset test, int epochs, int batch,
                               int workers, long seed) {
        DatasetManifest manifest = train.manifest();
        if (!manifest.labelled()) {
            throw new IllegalArgumentException("dataset " + train.uri() + " has no labels: the classifier evaluator "
                    + "needs a labelled dataset");
        }
        DatasetManifest testManifest = test.manifest();
        if (testManifest.height() != manifest.height() || testManifest.width() != manifest.width()
                || testManifest.channels() != manifest.channels()
                || !manifest.labelNames().equals(testManifest.labelNames())) {
            throw new IllegalArgumentException("test dataset " + test.uri() + " differs from " + train.uri()
                    + " in image shape or label names");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(batch)
                .batchSizePerWorker(batch)
                .averagingFrequency(5)
                .workerPrefetchNumBatches(2)
                .rngSeed(seed)
                .build();
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(jsc, EvaluatorNetwork.configuration(
                manifest.height(), manifest.width(), manifest.channels(), manifest.numClasses(), seed), master);
        JavaRDD<DataSet> trainBatches = minibatches(train, batch, workers).cache();
        for (int epoch = 0; epoch < epochs; epoch++) {
            sparkNet.fit(trainBatches);
        }
        trainBatches.unpersist(false);
        Evaluation evaluation = sparkNet.evaluate(minibatches(test, batch, workers));
        return new Result(sparkNet.getNetwork(), evaluation.accuracy(), epochs);
    }

    /** The dataset as labelled minibatches: images NCHW in [-1, 1] as the GAN sees them, one-hot labels. */
    static JavaRDD<DataSet> minibatches(ImageDataset data, int batch, int partitions) {
        DatasetManifest m = data.manifest();
        int height = m.height();
        int width = m.width();
        int channels = m.channels();
        int classes = m.numClasses();
        return data.rows().select(DatasetSchema.LABEL, DatasetSchema.IMAGE).javaRDD().repartition(partitions)
                .mapPartitions(rows -> new Batches(rows, batch, height, width, channels, classes));
    }

    /** Groups a partition's rows into DataSets of up to {@code batch} examples. */
    private static final class Batches implements Iterator<DataSet> {
        private final Iterator<Row> rows;
        private final int batch;
        private final int height;
        private final int width;
        private final int channels;
        private final int classes;

        Batches(Iterator<Row> rows, int batch, int height, int width, int channels, int classes) {
            this.rows = rows;
            this.batch = batch;
            this.height = height;
            this.width = width;
            this.channels = channels;
            this.classes = classes;
        }

        @Override
        public boolean hasNext() {
            return rows.hasNext();
        }

        @Override
        public DataSet next() {
            ByteArrayOutputStream pixels = new ByteArrayOutputStream();
            List<Integer> labels = new ArrayList<>();
            while (rows.hasNext() && labels.size() < batch) {
                Row row = rows.next();
                if (row.isNullAt(0)) {
                    throw new IllegalArgumentException("an image without a label in a labelled dataset");
                }
                labels.add(row.getInt(0));
                pixels.writeBytes(row.getAs(1));
            }
            INDArray images = ImageTensors.batch(pixels.toByteArray(), EvaluatorFeatures.sequence(labels.size()),
                    height, width, channels);
            INDArray oneHot = Nd4j.zeros(DataType.FLOAT, labels.size(), classes);
            for (int i = 0; i < labels.size(); i++) {
                oneHot.putScalar(i, labels.get(i), 1f);
            }
            return new DataSet(images, oneHot);
        }
    }
}
