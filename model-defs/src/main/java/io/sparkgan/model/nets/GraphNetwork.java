package io.sparkgan.model.nets;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link Network} over DL4J's {@link ComputationGraph} with one input and one output, for networks that are not a
 * plain stack of layers (a residual generator). It has no input gradient: see {@link Network}.
 */
public final class GraphNetwork implements Network {

    private final ComputationGraph graph;
    private final String output;
    private Map<String, INDArray> activations = Map.of();

    public GraphNetwork(ComputationGraph graph) {
        if (graph.getConfiguration().getNetworkInputs().size() != 1
                || graph.getConfiguration().getNetworkOutputs().size() != 1) {
            throw new IllegalArgumentException("sparkgan trains graphs with one input and one output, not "
                    + graph.getConfiguration().getNetworkInputs() + " -> "
                    + graph.getConfiguration().getNetworkOutputs());
        }
        this.graph = graph;
        this.output = graph.getConfiguration().getNetworkOutputs().get(0);
    }

    /** As {@link SequentialNetwork#fromConfiguration}, for a graph's configuration. */
    static GraphNetwork fromConfiguration(String json, INDArray params) {
        ComputationGraphConfiguration configuration = ComputationGraphConfiguration.fromJson(json);
        configuration.setDataType(params.dataType());
        Network.requireParameters(
                configuration.getVertices().values().stream()
                        .filter(vertex -> vertex instanceof LayerVertex)
                        .mapToLong(vertex -> ((LayerVertex) vertex).numParams(false))
                        .sum(),
                params);
        ComputationGraph graph = new ComputationGraph(configuration);
        graph.init(params, false);
        return new GraphNetwork(graph);
    }

    @Override
    public String configurationJson() {
        return graph.getConfiguration().toJson();
    }

    @Override
    public ComputationGraph model() {
        return graph;
    }

    @Override
    public MultiLayerNetwork layerStack() {
        throw new IllegalStateException("this network is a graph (ComputationGraph), not a layer stack");
    }

    @Override
    public long numParams() {
        return graph.numParams();
    }

    @Override
    public INDArray params() {
        return graph.params();
    }

    @Override
    public INDArray updaterState() {
        INDArray state = graph.getUpdater().getStateViewArray();
        return state == null ? Nd4j.empty(DataType.FLOAT) : state;
    }

    @Override
    public int iterations() {
        return graph.getConfiguration().getIterationCount();
    }

    @Override
    public void setIterations(int iterations) {
        graph.getConfiguration().setIterationCount(iterations);
    }

    @Override
    public void setLearningRate(double learningRate) {
        graph.setLearningRate(learningRate);
    }

    @Override
    public INDArray output(INDArray input) {
        return graph.outputSingle(false, input);
    }

    @Override
    public INDArray forwardForTraining(INDArray input) {
        activations = graph.feedForward(new INDArray[] {input}, true, false);
        return activations.get(output);
    }

    @Override
    public void releaseActivations() {
        // the graph's input vertex holds the caller's array
        String input = graph.getConfiguration().getNetworkInputs().get(0);
        activations.entrySet().stream()
                .filter(e -> !e.getKey().equals(input))
                .forEach(e -> Activations.release(java.util.List.of(e.getValue())));
        activations = Map.of();
    }

    @Override
    public Gradient backprop(INDArray outputGradient) {
        return graph.backpropGradient(outputGradient);
    }

    @Override
    public void applyUpdate(Gradient gradient, int batchSize) {
        int iteration = iterations();
        int epoch = graph.getConfiguration().getEpochCount();
        graph.getUpdater().update(gradient, iteration, epoch, batchSize, LayerWorkspaceMgr.noWorkspaces());
        graph.params().subi(gradient.gradient());
        setIterations(iteration + 1);
    }

    @Override
    public boolean hasInputGradient() {
        return false;
    }

    @Override
    public Network copy() {
        return new GraphNetwork(graph.clone());
    }
}
