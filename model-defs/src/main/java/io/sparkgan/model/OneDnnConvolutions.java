package io.sparkgan.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Field;

/**
 * Puts DL4J's oneDNN convolution helper back on {@link ConvolutionLayer}s.
 *
 * <p>DL4J 1.0.0-M2.1 decides whether oneDNN is available by reflecting on
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment#isUseMKLDNN}, which M2.1 renamed; the lookup fails silently and
 * every convolution takes a slow Java im2col path (about 7x slower for a DCGAN step here). The helper itself works,
 * so we install it directly. Only on the CPU backend: on CUDA the layer's own cuDNN lookup applies.
 * Transposed convolutions ({@code Deconvolution2DLayer}) already run as native ops and are left alone.
 */
public final class OneDnnConvolutions {

    private static final Field HELPER = helperField();

    private OneDnnConvolutions() {
    }

    /** Installs the helper on every plain convolution layer; returns how many layers now use oneDNN. */
    public static int enable(MultiLayerNetwork net) {
        if (!Nd4j.getEnvironment().isCPU()) {
            return 0;
        }
        int enabled = 0;
        for (Layer layer : net.getLayers()) {
            // oneDNN convolutions are float kernels; double networks (gradient checks) keep the reference path
            if (layer.getClass() == ConvolutionLayer.class && layer.getParam("W").dataType() == DataType.FLOAT) {
                setHelper(layer, new MKLDNNConvHelper(DataType.FLOAT));
                enabled++;
            }
        }
        return enabled;
    }

    /** Removes the helper again: the reference (im2col) path, for comparisons. */
    public static void disable(MultiLayerNetwork net) {
        for (Layer layer : net.getLayers()) {
            if (layer.getClass() == ConvolutionLayer.class) {
                setHelper(layer, null);
            }
        }
    }

    /** Number of plain convolution layers whose helper is oneDNN's. */
    public static int activeLayers(MultiLayerNetwork net) {
        int active = 0;
        for (Layer layer : net.getLayers()) {
            if (layer.getClass() == ConvolutionLayer.class && getHelper(layer) instanceof MKLDNNConvHelper) {
                active++;
            }
        }
        return active;
    }

    private static Field helperField() {
        try {
            Field field = ConvolutionLayer.class.getDeclaredField("helper");
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("DL4J's ConvolutionLayer has no 'helper' field: check the DL4J version", e);
        }
    }

    private static void setHelper(Layer layer, Object helper) {
        try {
            HELPER.set(layer, helper);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object getHelper(Layer layer) {
        try {
            return HELPER.get(layer);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
