package io.sparkgan.jobs.eval;

import io.sparkgan.model.perf.OneDnnLayers;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Installs the oneDNN helpers ({@link OneDnnLayers}) on the network that a dl4j-spark worker builds for itself,
 * before its first minibatch: the workers create their networks from the configuration, so the driver's network
 * having the helpers does not help them, and without the helpers the convolutions take DL4J's slow Java path.
 */
final class OneDnnTrainingHook implements TrainingHook {

    private static final long serialVersionUID = 1L;

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        if (model instanceof MultiLayerNetwork net && OneDnnLayers.activeLayers(net) == 0) {
            OneDnnLayers.enable(net);
        }
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {}

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {}

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {}
}
