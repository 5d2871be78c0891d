package io.sparkgan.jobs.eval;

import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.data.progress.SparkJobProgress;
import io.sparkgan.model.ImageTensors;
import io.sparkgan.model.metrics.EvaluatorNetwork;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains the evaluator classifier on a labelled dataset with DL4J's own Spark integration: a
 * {@link SparkDl4jMultiLayer} under a {@link ParameterAveragingTrainingMaster} (workers fit minibatches of their
 * partition and the driver averages parameters every few of them), then measures accuracy on a test dataset.
 */
public final class EvaluatorTrainer {

    /**
     * The trained network, its kind, and how well it does on the test dataset: accuracy for a classifier, mean
     * squared reconstruction error (pixels in [-1, 1]) for an autoencoder; the other figure is NaN.
     */
    public record Result(
            MultiLayerNetwork network,
            EvaluatorNetwork.Kind kind,
            double testAccuracy,
            double testReconstructionError,
            int epochs) {}

    static final double LEARNING_RATE = 1e-3;
    private static final int AVERAGING_FREQUENCY = 5;

    private EvaluatorTrainer() {}

    /**
     * Trains the evaluator for {@code train}: the classifier when it is labelled, else the autoencoder (see
     * {@link EvaluatorNetwork}).
     */
    public static Result train(
            SparkSession spark, ImageDataset train, ImageDataset test, int epochs, int batch, int workers, long seed) {
        DatasetManifest manifest = train.manifest();
        DatasetManifest testManifest = test.manifest();
        if (testManifest.height() != manifest.height()
                || testManifest.width() != manifest.width()
                || testManifest.channels() != manifest.channels()) {
            throw new IllegalArgumentException("test dataset " + test.uri() + " holds " + testManifest.shape()
                    + " images but " + train.uri() + " holds " + manifest.shape());
        }
        EvaluatorNetwork.Kind kind =
                manifest.labelled() ? EvaluatorNetwork.Kind.CLASSIFIER : EvaluatorNetwork.Kind.AUTOENCODER;
        if (kind == EvaluatorNetwork.Kind.CLASSIFIER && !manifest.labelNames().equals(testManifest.labelNames())) {
            throw new IllegalArgumentException("test dataset " + test.uri() + " has label names "
                    + testManifest.labelNames() + " but " + train.uri() + " has " + manifest.labelNames());
        }
        MultiLayerConfiguration configuration = kind == EvaluatorNetwork.Kind.CLASSIFIER
                ? EvaluatorNetwork.configuration(
                        manifest.height(), manifest.width(), manifest.channels(), manifest.numClasses(), seed)
                : EvaluatorNetwork.autoencoderConfiguration(
                        manifest.height(), manifest.width(), manifest.channels(), seed);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(batch)
                .batchSizePerWorker(batch)
                .averagingFrequency(AVERAGING_FREQUENCY)
                .workerPrefetchNumBatches(2)
                .rngSeed(seed)
                .trainingHooks(new OneDnnTrainingHook())
                .build();
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(jsc, configuration, master);
        JavaRDD<DataSet> trainBatches = minibatches(train, kind, batch, workers).cache();
        // dl4j-spark fits an epoch as two Spark jobs per averaging split (training, then the average) of workers x
        // 5 minibatches
        long minibatches = trainBatches.count();
        long splits = (minibatches + workers * AVERAGING_FREQUENCY - 1) / (workers * AVERAGING_FREQUENCY);
        try (SparkJobProgress.Phase phase = SparkJobProgress.phase(
                spark, String.format("training the evaluator, %d epochs", epochs), 2 * epochs * splits)) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                // the workers build their networks from the driver's configuration at every fit, so a rate set
                // here reaches them
                sparkNet.getNetwork().setLearningRate(learningRate(epoch, epochs));
                sparkNet.fit(trainBatches);
            }
        }
        trainBatches.unpersist(false);
        JavaRDD<DataSet> testBatches = minibatches(test, kind, batch, workers);
        if (kind == EvaluatorNetwork.Kind.CLASSIFIER) {
            Evaluation evaluation = sparkNet.evaluate(testBatches);
            return new Result(sparkNet.getNetwork(), kind, evaluation.accuracy(), Double.NaN, epochs);
        }
        return new Result(sparkNet.getNetwork(), kind, Double.NaN, sparkNet.calculateScore(testBatches, true), epochs);
    }

    /**
     * Adam's rate for an epoch: {@value #LEARNING_RATE}, and a tenth of it in the last epoch of a run of two or
     * more, which settles the averaged weights (measured on MNIST: see {@code EvaluatorCommand}).
     */
    static double learningRate(int epoch, int epochs) {
        return epochs > 1 && epoch == epochs - 1 ? LEARNING_RATE / 10 : LEARNING_RATE;
    }

    /**
     * The dataset as minibatches: images NCHW in [-1, 1] as the GAN sees them; as targets, one-hot labels for the
     * classifier, the flattened image itself for the autoencoder.
     */
    static JavaRDD<DataSet> minibatches(ImageDataset data, EvaluatorNetwork.Kind kind, int batch, int partitions) {
        DatasetManifest m = data.manifest();
        int height = m.height();
        int width = m.width();
        int channels = m.channels();
        int classes = kind == EvaluatorNetwork.Kind.CLASSIFIER ? m.numClasses() : 0;
        return data.rows()
                .select(DatasetSchema.LABEL, DatasetSchema.IMAGE)
                .javaRDD()
                .repartition(partitions)
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
                if (classes > 0 && row.isNullAt(0)) {
                    throw new IllegalArgumentException("an image without a label in a labelled dataset");
                }
                labels.add(classes > 0 ? row.getInt(0) : -1);
                pixels.writeBytes(row.getAs(1));
            }
            INDArray images = ImageTensors.batch(
                    pixels.toByteArray(), EvaluatorFeatures.sequence(labels.size()), height, width, channels);
            if (classes == 0) {
                return new DataSet(images, images.reshape(labels.size(), (long) channels * height * width));
            }
            INDArray oneHot = Nd4j.zeros(DataType.FLOAT, labels.size(), classes);
            for (int i = 0; i < labels.size(); i++) {
                oneHot.putScalar(i, labels.get(i), 1f);
            }
            return new DataSet(images, oneHot);
        }
    }
}
