package io.sparkgan.model.metrics;

import io.sparkgan.model.OneDnnLayers;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

/**
 * The evaluator: a small CNN classifier trained on the real dataset, whose penultimate layer gives the features
 * that FID, KID, precision/recall and density/coverage compare, and whose predictions give mode coverage. It
 * stands in for Inception, whose weights cannot be downloaded on many clusters, and it sees images exactly as the
 * GAN does: NCHW in [-1, 1].
 *
 * <p>conv 5x5x32, ReLU, max-pool 2; conv 5x5x64, ReLU, max-pool 2; dense {@value #FEATURES} ReLU (the
 * features); softmax over the classes.
 */
public final class EvaluatorNetwork {

    /** Width of the feature layer. */
    public static final int FEATURES = 128;
    /** Index of the feature layer. */
    public static final int FEATURE_LAYER = 4;

    private EvaluatorNetwork() {
    }

    public static MultiLayerConfiguration configuration(int height, int width, int channels, int classes,
                                                        long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(1e-3))
                .weightInit(WeightInit.RELU)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).padding(2, 2).nOut(32).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(5, 5).padding(2, 2).nOut(64).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(FEATURES).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(height, width, channels))
                .build();
    }

    public static MultiLayerNetwork create(int height, int width, int channels, int classes, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(height, width, channels, classes, seed));
        net.init();
        OneDnnLayers.enable(net);
        return net;
    }

    /** Feature vectors, [n, FEATURES], of a batch of images in [-1, 1]. */
    public static INDArray features(MultiLayerNetwork net, INDArray images) {
        List<INDArray> activations = net.feedForwardToLayer(FEATURE_LAYER, images, false);
        return activations.get(FEATURE_LAYER + 1);
    }
}
