package io.sparkgan.model.superres;

import io.sparkgan.model.SuperResolutionConfig;
import io.sparkgan.model.training.GeneratorObjective;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Super-resolution's content loss of G's images against the originals, per image: the pixel term (mean squared or
 * absolute difference) plus {@code featureWeight} times the mean squared difference of a fixed feature network's
 * activations, which stands in for SRGAN's VGG features. The feature network is the dataset evaluator cut after
 * its second convolution ({@link #featureNetwork}): convolutional only, so it takes patches of any size, and its
 * weights never change. Each {@link #gradient} call leaves the batch means of both terms in {@link #last()}.
 */
public final class ContentLoss implements GeneratorObjective {

    /** The evaluator's layers kept: convolution, pooling, convolution (with its ReLU). */
    private static final int FEATURE_LAYERS = 3;

    private final SuperResolutionConfig.PixelLoss pixelLoss;
    private final double featureWeight;
    private final MultiLayerNetwork features;
    private INDArray target;
    private double[] last = {Double.NaN, Double.NaN};

    /** {@code features} may be null when {@code featureWeight} is 0. */
    public ContentLoss(SuperResolutionConfig config, MultiLayerNetwork features) {
        if (config.featureWeight > 0 && features == null) {
            throw new IllegalArgumentException(
                    "--feature-weight needs the dataset's evaluator (sparkgan train-evaluator) for its features");
        }
        this.pixelLoss = config.pixelLoss;
        this.featureWeight = config.featureWeight;
        this.features = config.featureWeight > 0 ? features : null;
    }

    /** The evaluator's first layers, whose activations the feature term compares. */
    public static MultiLayerNetwork featureNetwork(MultiLayerNetwork evaluator) {
        return new TransferLearning.Builder(evaluator.clone())
                .removeLayersFromOutput(evaluator.getnLayers() - FEATURE_LAYERS)
                .build();
    }

    /** Sets the originals that the next {@link #gradient} compares G's images with. */
    public void setTarget(INDArray highRes) {
        this.target = highRes;
    }

    /** {pixel term, feature term}, batch means, of the last {@link #gradient} call. */
    public double[] last() {
        return last.clone();
    }

    @Override
    public INDArray gradient(INDArray generated) {
        long batch = generated.size(0);
        INDArray difference = generated.sub(target.castTo(generated.dataType()));
        double perImage = (double) difference.length() / batch;
        INDArray gradient;
        if (pixelLoss == SuperResolutionConfig.PixelLoss.MSE) {
            last[0] = difference.mul(difference).sumNumber().doubleValue() / difference.length();
            gradient = difference.mul(2 / perImage);
        } else {
            last[0] = Transforms.abs(difference, true).sumNumber().doubleValue() / difference.length();
            gradient = Transforms.sign(difference, true).divi(perImage);
        }
        if (features == null) {
            last[1] = 0;
            return gradient;
        }
        INDArray onTarget = features.output(target.castTo(generated.dataType()), false);
        features.setInput(generated);
        List<INDArray> activations = features.feedForward(true, false);
        INDArray featureDifference = activations.get(activations.size() - 1).sub(onTarget);
        last[1] = featureDifference.mul(featureDifference).sumNumber().doubleValue() / featureDifference.length();
        double featureValues = (double) featureDifference.length() / batch;
        INDArray throughFeatures = features.backpropGradient(
                        featureDifference.mul(2 * featureWeight / featureValues), LayerWorkspaceMgr.noWorkspaces())
                .getSecond();
        return gradient.addi(throughFeatures);
    }
}
