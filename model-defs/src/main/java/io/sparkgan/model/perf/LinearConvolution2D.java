package io.sparkgan.model.perf;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A convolution without activation (batch norm or an activation layer follows it) whose backward pass does not run
 * its forward pass again: the counterpart of {@link LinearDeconvolution2D} for D.
 *
 * <p>DL4J's {@code ConvolutionLayer.backpropGradient} recomputes the layer's output to differentiate the
 * activation, even for the identity. D runs forward and backward three times per GAN step (real, fake, fake for G's
 * gradient), so that is three more D forward passes per step: oneDNN's own trace ({@code DNNL_VERBOSE=1}) showed
 * every D convolution running forward six times per step against PyTorch's three. With no activation there is
 * nothing to differentiate, so this layer hands the incoming gradient straight to libnd4j's {@code conv2d_bp}
 * (oneDNN on the CPU backend). Explicit padding, NCHW only.
 *
 * <p>As a network's first layer it can also skip its input gradient (see {@link #computeInputGradient}): D's own
 * passes on the real and the generated batch do not need it, only G's pass does.
 */
public class LinearConvolution2D extends ConvolutionLayer {

    /** conv2d_bp's code for DL4J's weight layout [out, in, kH, kW]. */
    private static final int WEIGHTS_OUT_IN_HEIGHT_WIDTH = 1;

    /** For JSON deserialisation of network configurations. */
    protected LinearConvolution2D() {}

    public LinearConvolution2D(int kernel, int stride, int padding, long nOut, boolean hasBias) {
        super(new ConvolutionLayer.Builder(kernel, kernel)
                .stride(stride, stride)
                .padding(padding, padding)
                .nOut(nOut)
                .activation(new ActivationIdentity())
                .hasBias(hasBias)
                .convolutionMode(ConvolutionMode.Truncate));
    }

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int layerIndex,
            INDArray paramsView,
            boolean initializeParams,
            DataType networkDataType) {
        return LinearConvolutions.instantiate(
                new LinearLayer(conf, networkDataType),
                this,
                conf,
                listeners,
                layerIndex,
                paramsView,
                initializeParams);
    }

    /**
     * Sets whether the first layer of {@code network}, when it is one of these, computes the gradient of its input
     * in backprop; when not, the network's input gradient is null. On by default. libnd4j's {@code conv2d_bp}
     * always computes it, and for D's first layer (3 channels in, the largest images) that is a large share of a
     * step; PyTorch computes it only for G's pass (measured in docs/PERFORMANCE.md).
     */
    public static void computeInputGradient(MultiLayerNetwork network, boolean compute) {
        if (network.getnLayers() > 0 && network.getLayer(0) instanceof LinearLayer) {
            ((LinearLayer) network.getLayer(0)).inputGradient = compute;
        }
    }

    /** The runtime layer: DL4J's forward pass (oneDNN via {@link OneDnnLayers}), a backward pass from the input. */
    static final class LinearLayer extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {

        private boolean inputGradient = true;

        LinearLayer(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            if (!inputGradient) {
                return new Pair<>(parameterGradient(epsilon), null);
            }
            INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            INDArray weightGradient = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            INDArray inputGradient =
                    workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, weights.dataType(), input.shape(), 'c');
            boolean bias = layerConf().hasBias();
            Gradient gradient = LinearConvolutions.backprop(
                    "conv2d_bp",
                    layerConf(),
                    input,
                    weights,
                    bias ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, workspaceMgr) : null,
                    epsilon,
                    inputGradient,
                    weightGradient,
                    weightGradient,
                    bias ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null,
                    WEIGHTS_OUT_IN_HEIGHT_WIDTH);
            weightNoiseParams.clear();
            return new Pair<>(gradient, inputGradient);
        }

        /**
         * The weight and bias gradients alone, as matrix products over the input's patches (im2col): for each
         * image, dW = dY [out, oH*oW] times patches [in*kH*kW, oH*oW] transposed, summed over the batch. The bias
         * gradient sums dY over contiguous oH*oW rows first, which ND4J's reduction over axes (0, 2, 3) does not.
         */
        private Gradient parameterGradient(INDArray epsilon) {
            ConvolutionLayer conf = layerConf();
            int[] kernel = conf.getKernelSize();
            int[] stride = conf.getStride();
            int[] padding = conf.getPadding();
            int[] dilation = conf.getDilation();
            long batch = input.size(0);
            long outputs = epsilon.size(1);
            long positions = epsilon.size(2) * epsilon.size(3);
            long patchSize = input.size(1) * kernel[0] * kernel[1];
            INDArray patches = Nd4j.createUninitialized(
                    input.dataType(), batch, input.size(1), kernel[0], kernel[1], epsilon.size(2), epsilon.size(3));
            Convolution.im2col(
                    input,
                    kernel[0],
                    kernel[1],
                    stride[0],
                    stride[1],
                    padding[0],
                    padding[1],
                    dilation[0],
                    dilation[1],
                    false,
                    patches);
            INDArray outputGradient = epsilon.reshape('c', batch, outputs, positions);
            INDArray perImage =
                    Nd4j.matmul(outputGradient, patches.reshape('c', batch, patchSize, positions), false, true, false);
            Gradient gradient = new DefaultGradient();
            if (conf.hasBias()) {
                INDArray biasGradient = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
                biasGradient.assign(outputGradient
                        .reshape('c', batch * outputs, positions)
                        .sum(1)
                        .reshape(batch, outputs)
                        .sum(0)
                        .reshape(biasGradient.shape()));
                gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGradient);
            }
            INDArray weightGradient = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            weightGradient.assign(perImage.sum(0).reshape(weightGradient.shape()));
            gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGradient, 'c');
            patches.close();
            perImage.close();
            weightNoiseParams.clear();
            return gradient;
        }
    }
}
