package io.sparkgan.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Collection;
import java.util.Map;

/**
 * A convolution without activation (batch norm or an activation layer follows it) whose backward pass does not run
 * its forward pass again: the counterpart of {@link LinearDeconvolution2D} for D.
 *
 * <p>DL4J's {@code ConvolutionLayer.backpropGradient} recomputes the layer's output to differentiate the
 * activation, even for the identity. D runs forward and backward three times per GAN step (real, fake, fake for G's
 * gradient), so that is three more D forward passes per step: oneDNN's own trace ({@code ONEDNN_VERBOSE=1}) showed
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
        if (!(getActivationFn() instanceof ActivationIdentity) || getConvolutionMode() == ConvolutionMode.Same
                || getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            throw new IllegalStateException("LinearConvolution2D needs identity activation, explicit padding, NCHW");
        }
        LinearLayer layer = new LinearLayer(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        Map<String, INDArray> params = initializer().init(conf, paramsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    /** The runtime layer: DL4J's forward pass (oneDNN once {@link OneDnnLayers} is on), a backward pass from the input. */
    static final class LinearLayer extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {

        LinearLayer(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            LinearConvolution2D conf = (LinearConvolution2D) layerConf();
            INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            INDArray weightGradient = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            INDArray inputGradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, weights.dataType(),
                    input.shape(), 'c');
            int[] kernel = conf.getKernelSize();
            int[] stride = conf.getStride();
            int[] padding = conf.getPadding();
            int[] dilation = conf.getDilation();
            DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv2d_bp")
                    .addIntegerArguments(kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1],
                            dilation[0], dilation[1], 0, 0, WEIGHTS_OUT_IN_HEIGHT_WIDTH)
                    .callInplace(false);
            Gradient gradient = new DefaultGradient();
            if (conf.hasBias()) {
                INDArray bias = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, workspaceMgr);
                INDArray biasGradient = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
                op.addInputs(input, weights, bias, epsilon).addOutputs(inputGradient, weightGradient, biasGradient);
                gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGradient);
            } else {
                op.addInputs(input, weights, epsilon).addOutputs(inputGradient, weightGradient);
            }
            Nd4j.getExecutioner().exec(op.build());
            gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGradient, 'c');
            weightNoiseParams.clear();
            return new Pair<>(gradient, inputGradient);
        }
    }
}
