package io.sparkgan.model.metrics;

import io.sparkgan.model.perf.OneDnnLayers;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The evaluator: a small CNN trained on the real dataset, whose penultimate layer gives the features that FID,
 * KID, precision/recall and density/coverage compare. It stands in for Inception, whose weights cannot be
 * downloaded on many clusters, and it sees images exactly as the GAN does: NCHW in [-1, 1].
 *
 * <p>Two kinds share the encoder conv 5x5x32, ReLU, max-pool 2; conv 5x5x64, ReLU, max-pool 2; dense
 * {@value #FEATURES} (the features):
 * <ul>
 *   <li>{@link Kind#CLASSIFIER} for labelled data: softmax over the classes; its predictions also give mode
 *   coverage. Features that separate the classes are what FID needs to see a missing or blurred class.</li>
 *   <li>{@link Kind#AUTOENCODER} for unlabelled data: a dense decoder back to the image, trained on the mean
 *   squared reconstruction error. Its bottleneck must keep whatever tells the images apart, without labels; it has
 *   no classes, so mode coverage is not computed.</li>
 * </ul>
 */
public final class EvaluatorNetwork {

    /** Width of the feature layer. */
    public static final int FEATURES = 128;
    /** Index of the feature layer: the encoder's dense layer, the fifth in both kinds. */
    public static final int FEATURE_LAYER = 4;

    /** What the evaluator is trained to do, which decides its head. */
    public enum Kind {
        CLASSIFIER,
        AUTOENCODER
    }

    private EvaluatorNetwork() {}

    /** The classifier: {@code classes} softmax outputs. */
    public static MultiLayerConfiguration configuration(int height, int width, int channels, int classes, long seed) {
        return encoder(seed, Activation.RELU)
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(classes)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(height, width, channels))
                .build();
    }

    /** The autoencoder: the image back, flattened NCHW, through tanh as the GAN's own output. */
    public static MultiLayerConfiguration autoencoderConfiguration(int height, int width, int channels, long seed) {
        // a linear bottleneck: ReLU would zero a share of the features for every image
        return encoder(seed, Activation.IDENTITY)
                .layer(new DenseLayer.Builder()
                        .nOut(512)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nOut((long) height * width * channels)
                        .activation(Activation.TANH)
                        .build())
                .setInputType(InputType.convolutional(height, width, channels))
                .build();
    }

    private static NeuralNetConfiguration.ListBuilder encoder(long seed, Activation featureActivation) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(1e-3))
                .weightInit(WeightInit.RELU)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5)
                        .padding(2, 2)
                        .nOut(32)
                        .activation(Activation.RELU)
                        .build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(5, 5)
                        .padding(2, 2)
                        .nOut(64)
                        .activation(Activation.RELU)
                        .build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nOut(FEATURES)
                        .activation(featureActivation)
                        .build());
    }

    public static MultiLayerNetwork create(MultiLayerConfiguration configuration) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration);
        net.init();
        OneDnnLayers.enable(net);
        return net;
    }

    public static MultiLayerNetwork create(int height, int width, int channels, int classes, long seed) {
        return create(configuration(height, width, channels, classes, seed));
    }

    /** A classifier ends in softmax; anything else here is the autoencoder. */
    public static Kind kindOf(MultiLayerNetwork net) {
        Layer last =
                net.getLayerWiseConfigurations().getConf(net.getnLayers() - 1).getLayer();
        return last instanceof BaseLayer base && base.getActivationFn() instanceof ActivationSoftmax
                ? Kind.CLASSIFIER
                : Kind.AUTOENCODER;
    }

    /** Features and (for a classifier) the predicted classes of a batch, from one forward pass. */
    public static FeatureSet evaluate(MultiLayerNetwork net, INDArray images) {
        boolean classifier = kindOf(net) == Kind.CLASSIFIER;
        List<INDArray> activations =
                classifier ? net.feedForward(images, false) : net.feedForwardToLayer(FEATURE_LAYER, images, false);
        double[][] features = activations.get(FEATURE_LAYER + 1).toDoubleMatrix();
        int[] classes =
                classifier ? activations.get(activations.size() - 1).argMax(1).toIntVector() : null;
        return new FeatureSet(features, classes);
    }
}
