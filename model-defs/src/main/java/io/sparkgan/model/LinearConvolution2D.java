package io.sparkgan.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

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
 */
public class LinearConvolution2D extends ConvolutionLayer {

    /** conv2d_bp's code for DL4J's weight layout [out, in, kH, kW]. */
    private static final int WEIGHTS_OUT_IN_HEIGHT_WIDTH = 1;

    /** For JSON deserialisation of network configurations. */
    protected LinearConvolution2D() {
    }

    public LinearConvolution2D(int kernel, int stride, int padding, long nOut, boolean hasBias) {
        super(new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).padding(padding, padding)
                .nOut(nOut).activation(new ActivationIdentity()).hasBias(hasBias)
                .convolutionMode(ConvolutionMode.Truncate));
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType networkDataType) {
        return LinearConvolutions.instantiate(new LinearLayer(conf, networkDataType), this, conf, listeners,
                layerIndex, paramsView, initializeParams);
    }

    /** The runtime layer: DL4J's forward pass (oneDNN via {@link OneDnnLayers}), a backward pass from the input. */
    static final class LinearLayer extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {

        LinearLayer(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            INDArray weightGradient = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            INDArray inputGradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, weights.dataType(),
                    input.shape(), 'c');
            boolean bias = layerConf().hasBias();
            Gradient gradient = LinearConvolutions.backprop("conv2d_bp", layerConf(), input, weights,
                    bias ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, workspaceMgr) : null,
                    epsilon, inputGradient, weightGradient, weightGradient,
                    bias ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null,
                    WEIGHTS_OUT_IN_HEIGHT_WIDTH);
            weightNoiseParams.clear();
            return new Pair<>(gradient, inputGradient);
        }
    }
}
