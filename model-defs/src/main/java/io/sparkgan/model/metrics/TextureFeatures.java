package io.sparkgan.model.metrics;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Texture features of images, for an FID that sees fine detail: the mean and standard deviation over all positions
 * of every channel of the evaluator's convolutions (the statistics that style transfer matches, Huang and Belongie
 * 2017). The evaluator's own features come after its last pooling and dense layer; for an autoencoder, trained to
 * reconstruct under MSE, they keep what MSE keeps and lose the fine detail that it averages away, so that blurred
 * and sharp upscales of the same images get nearly the same FID there. The first convolution's filters see
 * single pixels' neighbourhoods at full resolution.
 */
public final class TextureFeatures {

    private TextureFeatures() {}

    /**
     * Image pixels per forward pass, every activation of which is kept: 32 MB of the first convolution's maps (256
     * tiles of 48x48x3 at once ran out of memory under the launcher's limits).
     */
    private static final long CHUNK_PIXELS = 1L << 18;

    /**
     * One vector per image of {@code images} ([b, C, H, W] in [-1, 1]): for each convolution of {@code net} in
     * order, its channels' means, then their standard deviations. Any image size, as the convolutions take any.
     */
    public static double[][] of(MultiLayerNetwork net, INDArray images) {
        int b = (int) images.size(0);
        int chunk = (int) Math.max(1, CHUNK_PIXELS / (images.size(2) * images.size(3)));
        double[][] features = new double[b][];
        for (int from = 0; from < b; from += chunk) {
            int to = Math.min(b, from + chunk);
            double[][] part = ofChunk(net, images.get(NDArrayIndex.interval(from, to)));
            System.arraycopy(part, 0, features, from, to - from);
        }
        return features;
    }

    private static double[][] ofChunk(MultiLayerNetwork net, INDArray images) {
        List<INDArray> activations = net.feedForward(images, false);
        List<double[][]> parts = new ArrayList<>();
        for (int layer = 0; layer < net.getnLayers(); layer++) {
            if (net.getLayer(layer).conf().getLayer() instanceof ConvolutionLayer) {
                INDArray maps = activations.get(layer + 1);
                parts.add(maps.mean(2, 3).castTo(DataType.DOUBLE).toDoubleMatrix());
                parts.add(maps.std(false, 2, 3).castTo(DataType.DOUBLE).toDoubleMatrix());
            }
        }
        int b = (int) images.size(0);
        int width = parts.stream().mapToInt(p -> p[0].length).sum();
        double[][] features = new double[b][width];
        for (int i = 0; i < b; i++) {
            int at = 0;
            for (double[][] part : parts) {
                System.arraycopy(part[i], 0, features[i], at, part[i].length);
                at += part[i].length;
            }
        }
        return features;
    }
}
