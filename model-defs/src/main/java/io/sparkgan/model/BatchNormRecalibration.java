package io.sparkgan.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;

/**
 * Sets the running statistics that batch-norm layers use in inference mode to the statistics of the network as it
 * now is, measured in one forward pass in training mode over a large batch (as SWA recomputes them after averaging
 * weights, Izmailov et al. 2018).
 *
 * <p>Why a GAN trainer needs it: a batch-norm layer's running statistics are a moving average over the last few
 * dozen training batches, gathered while the weights moved. After parameter averaging they are the mean of each
 * worker's statistics of its <em>own</em> G, and the averaged weights produce other activations; the moving average
 * of G's weights (EMA) has the same mismatch. G is sampled in inference mode (the grid, the evaluation, the
 * synthetic datasets), where stale statistics shift and rescale every channel.
 *
 * <p>After recalibration, G's output in inference mode equals its output in training mode on the calibration batch.
 */
public final class BatchNormRecalibration {

    private BatchNormRecalibration() {
    }

    /** Whether {@code net} has batch-norm layers, and so anything to recalibrate. */
    public static boolean applies(MultiLayerNetwork net) {
        for (Layer layer : net.getLayers()) {
            if (layer instanceof BatchNormalization) {
                return true;
            }
        }
        return false;
    }

    /** Recomputes every batch-norm layer's running mean and variance from {@code input} (a large batch). */
    public static void recalibrate(MultiLayerNetwork net, INDArray input) {
        List<INDArray> activations = net.feedForward(input, true);
        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        Layer[] layers = net.getLayers();
        for (int i = 0; i < layers.length; i++) {
            if (!(layers[i] instanceof BatchNormalization batchNorm)) {
                continue;
            }
            // activations.get(i) is layer i's input before its preprocessor (the dense-to-feature-map reshape)
            INDArray in = activations.get(i);
            InputPreProcessor preProcessor = net.getLayerWiseConfigurations().getInputPreProcess(i);
            if (preProcessor != null) {
                in = preProcessor.preProcess(in, (int) in.size(0), noWorkspaces);
            }
            INDArray x = in.castTo(DataType.DOUBLE);
            int[] axes = x.rank() == 4 ? new int[] {0, 2, 3} : new int[] {0};
            INDArray mean = x.mean(axes);
            INDArray variance = x.var(false, axes);
            batchNorm.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).assign(mean);
            var conf = (org.deeplearning4j.nn.conf.layers.BatchNormalization) batchNorm.layerConf();
            if (conf.isUseLogStd()) {
                // DL4J keeps log10 of the standard deviation; inference adds eps to its square
                batchNorm.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD)
                        .assign(Transforms.log(Transforms.sqrt(variance, false), 10, false));
            } else {
                batchNorm.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).assign(variance);
            }
        }
    }
}
