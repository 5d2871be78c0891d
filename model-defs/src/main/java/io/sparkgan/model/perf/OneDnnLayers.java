package io.sparkgan.model.perf;

import java.lang.reflect.Field;
import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Puts DL4J's oneDNN helpers back on convolution and batch-norm layers.
 *
 * <p>DL4J 1.0.0-M2.1 decides whether oneDNN is available by reflecting on
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment#isUseMKLDNN}, which M2.1 renamed; the lookup fails silently and
 * those layers take slow Java paths: im2col for convolutions and a chain of broadcast ops for batch norm, several
 * times slower (docs/PERFORMANCE.md). The helpers themselves work, so we install them
 * directly (batch norm as {@link ContiguousBatchNormHelper}, which computes the batch statistics faster). Only on
 * the CPU backend: on CUDA the layers' own cuDNN lookup applies. Transposed convolutions
 * ({@code Deconvolution2DLayer}) already run as native ops, on oneDNN when their padding is explicit.
 */
public final class OneDnnLayers {

    /** A layer kind whose helper field takes a oneDNN helper. */
    private record Kind(
            Class<? extends Layer> layerClass, Field helper, Class<?> helperClass, Supplier<Object> create) {}

    private static final List<Kind> KINDS = List.of(
            new Kind(
                    ConvolutionLayer.class,
                    helperField(ConvolutionLayer.class),
                    MKLDNNConvHelper.class,
                    () -> new MKLDNNConvHelper(DataType.FLOAT)),
            // D's convolutions: oneDNN's forward pass, and a backward pass of their own that is native anyway
            new Kind(
                    LinearConvolution2D.LinearLayer.class,
                    helperField(ConvolutionLayer.class),
                    MKLDNNConvHelper.class,
                    () -> new MKLDNNConvHelper(DataType.FLOAT)),
            new Kind(
                    BatchNormalization.class,
                    helperField(BatchNormalization.class),
                    MKLDNNBatchNormHelper.class,
                    ContiguousBatchNormHelper::new));

    private OneDnnLayers() {}

    /** Installs the helpers on every convolution and batch-norm layer; returns how many layers now use oneDNN. */
    public static int enable(Model net) {
        if (!Nd4j.getEnvironment().isCPU()) {
            return 0;
        }
        int enabled = 0;
        for (Layer layer : layers(net)) {
            Kind kind = kindOf(layer);
            // oneDNN kernels are float; double networks (gradient checks) keep the reference path
            if (kind != null && layer.params().dataType() == DataType.FLOAT) {
                set(kind.helper(), layer, kind.create().get());
                enabled++;
            }
        }
        return enabled;
    }

    /** Removes the helpers again: the reference Java paths, for comparisons. */
    public static void disable(Model net) {
        for (Layer layer : layers(net)) {
            Kind kind = kindOf(layer);
            if (kind != null) {
                set(kind.helper(), layer, null);
            }
        }
    }

    /** Number of convolution and batch-norm layers whose helper is oneDNN's. */
    public static int activeLayers(Model net) {
        int active = 0;
        for (Layer layer : layers(net)) {
            Kind kind = kindOf(layer);
            if (kind != null && kind.helperClass().isInstance(get(kind.helper(), layer))) {
                active++;
            }
        }
        return active;
    }

    /** The layers of a layer stack or of a graph. */
    private static Layer[] layers(Model net) {
        return net instanceof ComputationGraph graph ? graph.getLayers() : ((MultiLayerNetwork) net).getLayers();
    }

    private static Kind kindOf(Layer layer) {
        for (Kind kind : KINDS) {
            // exact class: subclasses such as Deconvolution2DLayer run their own native ops
            if (layer.getClass() == kind.layerClass()) {
                return kind;
            }
        }
        return null;
    }

    private static Field helperField(Class<?> layerClass) {
        try {
            Field field = layerClass.getDeclaredField("helper");
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(layerClass.getName() + " has no 'helper' field: check the DL4J version", e);
        }
    }

    private static void set(Field field, Layer layer, Object helper) {
        try {
            field.set(layer, helper);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object get(Field field, Layer layer) {
        try {
            return field.get(layer);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
