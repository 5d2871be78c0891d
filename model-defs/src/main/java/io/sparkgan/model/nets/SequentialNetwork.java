package io.sparkgan.model.nets;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A {@link Network} over DL4J's {@link MultiLayerNetwork}: a stack of layers. */
public final class SequentialNetwork implements Network {

    private final MultiLayerNetwork net;
    private List<INDArray> activations = List.of();

    public SequentialNetwork(MultiLayerNetwork net) {
        this.net = net;
    }

    /**
     * The network a configuration describes, with {@code params} (taken as they are, not copied).
     *
     * @throws IllegalArgumentException when the configuration is not a layer stack's or the count is wrong
     */
    static SequentialNetwork fromConfiguration(String json, INDArray params) {
        MultiLayerConfiguration configuration = MultiLayerConfiguration.fromJson(json);
        configuration.setDataType(params.dataType());
        Network.requireParameters(
                configuration.getConfs().stream()
                        .mapToLong(c -> c.getLayer().initializer().numParams(c))
                        .sum(),
                params);
        MultiLayerNetwork net = new MultiLayerNetwork(configuration);
        net.init(params, false);
        return new SequentialNetwork(net);
    }

    @Override
    public String configurationJson() {
        return net.getLayerWiseConfigurations().toJson();
    }

    /** The DL4J network, for what needs a layer stack (D's input gradient, its output layer). */
    @Override
    public MultiLayerNetwork model() {
        return net;
    }

    @Override
    public MultiLayerNetwork layerStack() {
        return net;
    }

    @Override
    public long numParams() {
        return net.numParams();
    }

    @Override
    public INDArray params() {
        return net.params();
    }

    @Override
    public INDArray updaterState() {
        INDArray state = net.getUpdater().getStateViewArray();
        return state == null ? Nd4j.empty(DataType.FLOAT) : state;
    }

    @Override
    public int iterations() {
        return net.getLayerWiseConfigurations().getIterationCount();
    }

    @Override
    public void setIterations(int iterations) {
        net.getLayerWiseConfigurations().setIterationCount(iterations);
    }

    @Override
    public void setLearningRate(double learningRate) {
        net.setLearningRate(learningRate);
    }

    @Override
    public INDArray output(INDArray input) {
        return net.output(input, false);
    }

    @Override
    public INDArray forwardForTraining(INDArray input) {
        net.setInput(input);
        activations = net.feedForward(true, false);
        return activations.get(activations.size() - 1);
    }

    @Override
    public void releaseActivations() {
        // the first is the caller's input
        Activations.release(activations.subList(Math.min(1, activations.size()), activations.size()));
        activations = List.of();
    }

    @Override
    public Gradient backprop(INDArray outputGradient) {
        var pass = net.backpropGradient(outputGradient, LayerWorkspaceMgr.noWorkspaces());
        Activations.release(List.of(pass.getSecond()));
        return pass.getFirst();
    }

    @Override
    public void applyUpdate(Gradient gradient, int batchSize) {
        int iteration = iterations();
        int epoch = net.getLayerWiseConfigurations().getEpochCount();
        net.getUpdater().update(net, gradient, iteration, epoch, batchSize, LayerWorkspaceMgr.noWorkspaces());
        net.params().subi(gradient.gradient());
        setIterations(iteration + 1);
    }

    @Override
    public boolean hasInputGradient() {
        return true;
    }

    @Override
    public Network copy() {
        return new SequentialNetwork(net.clone());
    }
}
