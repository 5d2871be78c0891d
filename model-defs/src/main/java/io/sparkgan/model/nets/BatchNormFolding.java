package io.sparkgan.model.nets;

import io.sparkgan.model.GanModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping2D;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A trained DCGAN network with its batch norms folded into the layers before them, for using it frozen: in
 * inference mode a batch norm is a per-channel affine map, gamma (x - mean) / std + beta, which the preceding
 * dense, convolution or transposed convolution absorbs (weights times gamma / std per output channel, bias moved
 * accordingly). The result is the same network built without batch norm ({@code batchNorm = false}), whose output
 * equals the original's in inference mode.
 *
 * <p>Why: DL4J's batch-norm layer can only backpropagate through a training-mode forward pass (it needs the batch
 * statistics of that pass), while an encoder trained against a frozen G and D needs gradients through their
 * inference-mode computation (f-AnoGAN trains its encoder with G and D in evaluation mode).
 */
public final class BatchNormFolding {

    private BatchNormFolding() {}

    /**
     * The folded twin of {@code network}, which {@code build} made from {@code config} (a layer stack: G or D of
     * the DCGAN or DCGAN_K5 families, or an MLP, for which there is nothing to fold).
     */
    public static MultiLayerNetwork fold(
            GanModelConfig config, MultiLayerNetwork network, Function<GanModelConfig, Network> build) {
        GanModelConfig plain = config.copy();
        plain.batchNorm = false;
        MultiLayerNetwork folded = build.apply(plain).layerStack();
        List<Layer> targets = new ArrayList<>();
        for (Layer layer : folded.getLayers()) {
            if (layer.numParams() > 0) {
                targets.add(layer);
            }
        }
        Layer[] source = network.getLayers();
        int next = 0;
        for (int i = 0; i < source.length; i++) {
            Layer layer = source[i];
            if (layer.numParams() == 0 || layer.conf().getLayer() instanceof BatchNormalization) {
                continue;
            }
            if (next >= targets.size()) {
                throw new IllegalArgumentException(
                        "the network does not have the layers of its config's twin without" + " batch norm");
            }
            Layer target = targets.get(next++);
            INDArray weights = layer.getParam("W").dup();
            INDArray bias = target.getParam("b").dup().assign(0);
            if (layer.paramTable().containsKey("b")) {
                bias.assign(layer.getParam("b").reshape(bias.shape()));
            }
            Layer norm = followingBatchNorm(source, i);
            if (norm != null) {
                // DL4J keeps log10 of the running deviation and divides by sqrt(deviation^2 + eps)
                INDArray deviation = Transforms.pow(
                        norm.getParam("log10stdev").dup().assign(10), norm.getParam("log10stdev"), false);
                double eps = ((BatchNormalization) norm.conf().getLayer()).getEps();
                INDArray std = Transforms.sqrt(deviation.muli(deviation).addi(eps), false);
                INDArray scale = norm.getParam("gamma").div(std).reshape(-1);
                INDArray shift = norm.getParam("beta")
                        .reshape(-1)
                        .sub(norm.getParam("mean").reshape(-1).mul(scale));
                foldInto(layer.conf().getLayer(), weights, bias, scale, shift);
            }
            target.setParam("W", weights.reshape(target.getParam("W").shape()));
            target.setParam("b", bias.reshape(target.getParam("b").shape()));
        }
        if (next != targets.size()) {
            throw new IllegalArgumentException(
                    "the network does not have the layers of its config's twin without" + " batch norm");
        }
        return folded;
    }

    /**
     * The batch norm that acts on layer {@code i}'s output: the next layer, or the one after a crop (cropping
     * commutes with a per-channel affine map); null if there is none.
     */
    private static Layer followingBatchNorm(Layer[] layers, int i) {
        int next = i + 1;
        while (next < layers.length && layers[next].conf().getLayer() instanceof Cropping2D) {
            next++;
        }
        return next < layers.length && layers[next].conf().getLayer() instanceof BatchNormalization
                ? layers[next]
                : null;
    }

    /**
     * Multiplies the layer's output channel c by scale[c] and adds shift[c]: y' = scale (W x + b) + shift. A
     * dense layer's outputs are channels of the feature map after it, channel-major ({@code c * H * W + pixel}).
     */
    private static void foldInto(
            org.deeplearning4j.nn.conf.layers.Layer conf,
            INDArray weights,
            INDArray bias,
            INDArray scale,
            INDArray shift) {
        long channels = scale.length();
        int axis = conf instanceof Deconvolution2D ? 1 : conf instanceof ConvolutionLayer ? 0 : 1;
        long outputs = weights.size(axis);
        long perChannel = outputs / channels;
        for (long o = 0; o < outputs; o++) {
            long c = o / perChannel;
            double s = scale.getDouble(c);
            INDArray slice = axis == 0
                    ? weights.get(NDArrayIndex.point(o))
                    : weights.get(NDArrayIndex.all(), NDArrayIndex.point(o));
            slice.muli(s);
            bias.putScalar(o, bias.getDouble(o) * s + shift.getDouble(c));
        }
    }
}
