package io.sparkgan.jobs.superres;

import io.sparkgan.data.ImageDataset;
import io.sparkgan.jobs.engine.TrainerSpec;
import io.sparkgan.jobs.eval.EvaluatorStore;
import io.sparkgan.jobs.eval.NetworkBroadcast;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.spark.RowImages;
import io.sparkgan.jobs.train.ModelTraining;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.sampling.SampleGrid;
import io.sparkgan.model.superres.BicubicResize;
import io.sparkgan.model.superres.ComparisonRows;
import io.sparkgan.model.superres.ContentLoss;
import java.io.IOException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The SRGAN on the training master ({@link ModelTraining}): its workers run {@link SuperResolutionTrainer} with the
 * content loss's feature network when it has a feature term (the evaluator's first layers, sent once per run). Every
 * sample grid upscales the same images, a column each, in rows: the low-resolution input (enlarged by repeating
 * pixels), bicubic upscaling, G's upscaling, the original.
 */
public final class SuperResolutionTraining implements ModelTraining {

    /** Images per sample grid row (low-res, bicubic, G, original). */
    static final int GRID_COLUMNS = 8;

    /** The content loss's feature network and which evaluator it was cut from. */
    record ContentFeatures(String evaluatorId, MultiLayerNetwork network) {}

    /** The feature network of the content loss; null without a feature term. */
    private ContentFeatures contentFeatures;
    /** That network, sent to the executors while the run trains. */
    private NetworkBroadcast features;
    /** The originals every sample grid upscales, and their downscaled inputs. */
    private INDArray gridOriginals;

    private INDArray gridInput;
    private int scale;

    @Override
    public String activity() {
        return "super-resolution training";
    }

    @Override
    public String smallerModelOptions() {
        return "--base-width for D, --sr-features or --sr-blocks for G";
    }

    @Override
    public String notEvaluatedWhileTraining() {
        return "super-resolution runs are not evaluated while they train: 'sparkgan upscale --evaluate' measures"
                + " PSNR, SSIM and FID on held-out images";
    }

    @Override
    public void prepare(
            SparkSession spark, TrainConfig config, ImageDataset dataset, RunStorage storage, boolean resumed)
            throws IOException {
        contentFeatures = contentFeatures(spark, config);
        gridOriginals = gridImages(dataset, config.model);
        scale = config.model.superResolution.scale;
        gridInput = BicubicResize.downscale(gridOriginals, scale);
    }

    @Override
    public void open(JavaSparkContext jsc, RunStorage storage) {
        features = contentFeatures == null ? null : new NetworkBroadcast(jsc, Network.of(contentFeatures.network()));
    }

    /** After the content features' identity when there are some, so that pooled trainers are not shared across evaluators. */
    @Override
    public String architectureKey(GanModelConfig architecture) throws IOException {
        String json = Json.MAPPER.writeValueAsString(architecture);
        return contentFeatures == null ? json : "evaluator " + contentFeatures.evaluatorId() + " " + json;
    }

    @Override
    public TrainerSpec trainer(String architectureKey, double lrG, double lrD, long seed, long imagesPerStep) {
        return new SuperResolutionTrainerSpec(architectureKey, lrG, lrD, seed, imagesPerStep, features);
    }

    @Override
    public void writeSamples(RunStorage storage, long step, Network sampler) throws IOException {
        INDArray rows =
                ComparisonRows.enlarged(ComparisonRows.of(gridInput, scale, sampler.output(gridInput), gridOriginals));
        storage.writeAtomically(RunDirectory.sampleGrid(step), SampleGrid.png(rows, (int) gridOriginals.size(0)));
    }

    @Override
    public void close() {
        if (features != null) {
            features.destroy();
        }
    }

    /**
     * The feature network of the content loss when the model has a feature term: the evaluator's first layers
     * ({@code --evaluator}, else the dataset's own); null otherwise. An error naming the dataset when there is none.
     */
    private static ContentFeatures contentFeatures(SparkSession spark, TrainConfig config) throws IOException {
        if (config.model.superResolution.featureWeight == 0) {
            return null;
        }
        String location = config.evaluator != null ? config.evaluator : EvaluatorStore.defaultLocation(config.data);
        EvaluatorStore store = new EvaluatorStore(location, spark.sparkContext().hadoopConfiguration());
        if (!store.exists()) {
            throw new IllegalArgumentException("--feature-weight: no evaluator in " + location + " to take features"
                    + " from; 'sparkgan train-evaluator --data " + config.data + " ...' makes one, or pass"
                    + " --feature-weight 0");
        }
        MultiLayerNetwork evaluator = store.loadNetwork();
        long channels = ((ConvolutionLayer)
                        evaluator.getLayerWiseConfigurations().getConf(0).getLayer())
                .getNIn();
        if (channels != config.model.channels) {
            throw new IllegalArgumentException("--feature-weight: the evaluator in " + location + " takes " + channels
                    + "-channel images, dataset " + config.data + " has " + config.model.channels);
        }
        return new ContentFeatures(store.id(), ContentLoss.featureNetwork(evaluator));
    }

    /**
     * {@link #GRID_COLUMNS} images spread over the dataset by id ({@link RowImages#spreadById}), cut to the model's
     * patch size around their centres: what every sample grid of the run upscales.
     */
    private static INDArray gridImages(ImageDataset dataset, GanModelConfig model) {
        INDArray images = RowImages.spreadById(dataset, GRID_COLUMNS);
        long top = (images.size(2) - model.height) / 2;
        long left = (images.size(3) - model.width) / 2;
        return images.get(
                        NDArrayIndex.all(),
                        NDArrayIndex.all(),
                        NDArrayIndex.interval(top, top + model.height),
                        NDArrayIndex.interval(left, left + model.width))
                .dup('c');
    }
}
