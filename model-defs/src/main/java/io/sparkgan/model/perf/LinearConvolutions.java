package io.sparkgan.model.perf;

import java.util.Collection;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What {@link LinearConvolution2D} and {@link LinearDeconvolution2D} share: the conditions under which their
 * backward pass is exact, the wiring of their runtime layers, and that backward pass itself, one libnd4j op from the
 * layer's stored input and the incoming gradient (the weight and bias keys are "W" and "b" for both).
 */
final class LinearConvolutions {

    private LinearConvolutions() {}

    /** No activation to differentiate, explicit padding, NCHW: what the backward pass assumes. */
    private static void requireLinear(ConvolutionLayer layer) {
        if (!(layer.getActivationFn() instanceof ActivationIdentity)
                || layer.getConvolutionMode() == ConvolutionMode.Same
                || layer.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            throw new IllegalStateException(
                    layer.getClass().getSimpleName() + " needs identity activation, explicit padding, NCHW");
        }
    }

    /** Checks the layer's config, then sets up its runtime layer the way DL4J's own {@code instantiate} does. */
    static <T extends BaseLayer<?>> T instantiate(
            T runtime,
            ConvolutionLayer layer,
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int layerIndex,
            INDArray paramsView,
            boolean initializeParams) {
        requireLinear(layer);
        runtime.setListeners(listeners);
        runtime.setIndex(layerIndex);
        runtime.setParamsViewArray(paramsView);
        runtime.setParamTable(layer.initializer().init(conf, paramsView, initializeParams));
        runtime.setConf(conf);
        return runtime;
    }

    /**
     * Runs {@code op} (conv2d_bp or deconv2d_bp) on the input and the gradient of the layer's output, writing the
     * input gradient and the parameter gradients; {@code weights} and {@code weightGradient} in the op's layout,
     * {@code bias} null for a layer without one.
     *
     * @param weightLayout the op's weight-layout argument, or none for the op's default
     */
    static Gradient backprop(
            String op,
            ConvolutionLayer layer,
            INDArray input,
            INDArray weights,
            INDArray bias,
            INDArray outputGradient,
            INDArray inputGradient,
            INDArray weightGradient,
            INDArray weightGradientView,
            INDArray biasGradient,
            int... weightLayout) {
        int[] kernel = layer.getKernelSize();
        int[] stride = layer.getStride();
        int[] padding = layer.getPadding();
        int[] dilation = layer.getDilation();
        // kernel, stride, padding, dilation, not 'same' mode, NCHW, then the weight layout if given
        int[] arguments = IntStream.concat(
                        IntStream.of(
                                kernel[0],
                                kernel[1],
                                stride[0],
                                stride[1],
                                padding[0],
                                padding[1],
                                dilation[0],
                                dilation[1],
                                0,
                                0),
                        IntStream.of(weightLayout))
                .toArray();
        DynamicCustomOp.DynamicCustomOpsBuilder builder =
                DynamicCustomOp.builder(op).addIntegerArguments(arguments).callInplace(false);
        Gradient gradient = new DefaultGradient();
        if (bias != null) {
            builder.addInputs(input, weights, bias, outputGradient)
                    .addOutputs(inputGradient, weightGradient, biasGradient);
            gradient.setGradientFor("b", biasGradient);
        } else {
            builder.addInputs(input, weights, outputGradient).addOutputs(inputGradient, weightGradient);
        }
        Nd4j.getExecutioner().exec(builder.build());
        gradient.setGradientFor("W", weightGradientView, 'c');
        return gradient;
    }
}
