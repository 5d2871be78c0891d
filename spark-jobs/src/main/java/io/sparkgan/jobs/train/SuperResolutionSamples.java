package io.sparkgan.jobs.train;

import io.sparkgan.data.ImageDataset;
import io.sparkgan.jobs.eval.EvaluatorStore;
import io.sparkgan.jobs.spark.RowImages;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.superres.ContentLoss;
import java.io.IOException;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** What the driver of a super-resolution run prepares besides the GAN's: the content features and grid images. */
final class SuperResolutionSamples {

    /** Images per sample grid row (low-res, bicubic, G, original). */
    static final int GRID_COLUMNS = 8;

    private SuperResolutionSamples() {}

    /** The content loss's feature network and which evaluator it was cut from. */
    record ContentFeatures(String evaluatorId, MultiLayerNetwork network) {}

    /**
     * The feature network of the content loss when the model has a feature term: the evaluator's first layers
     * ({@code --evaluator}, else the dataset's own); null otherwise. An error naming the dataset when there is none.
     */
    static ContentFeatures contentFeatures(SparkSession spark, TrainConfig config) throws IOException {
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
    static INDArray gridImages(ImageDataset dataset, GanModelConfig model) {
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
