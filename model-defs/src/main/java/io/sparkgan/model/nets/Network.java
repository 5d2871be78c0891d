package io.sparkgan.model.nets;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.model.Json;
import java.io.IOException;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trainable network as sparkgan's training code sees it, whatever DL4J class holds it: a
 * {@link MultiLayerNetwork} (a stack of layers, {@link SequentialNetwork}) or a {@link ComputationGraph} (layers and
 * vertices such as the element-wise add of a residual block, {@link GraphNetwork}), with one input and one output.
 *
 * <p>What the two support:
 * <table>
 *   <caption>Operations by network kind</caption>
 *   <tr><th>operation</th><th>sequential</th><th>graph</th></tr>
 *   <tr><td>parameters, optimizer state, iteration count as flat views; learning rate; save and restore</td>
 *       <td>yes</td><td>yes</td></tr>
 *   <tr><td>forward pass (training or inference), backprop of an external gradient, optimizer update</td>
 *       <td>yes</td><td>yes</td></tr>
 *   <tr><td>gradient of a loss with respect to the input ({@link #hasInputGradient()}), which G's update needs from
 *       D and an encoder's needs from G</td><td>yes</td><td>no: DL4J's graph has no public call for it</td></tr>
 * </table>
 * So a generator may be either; a discriminator (and any network a gradient must pass through) is sequential.
 */
public interface Network {

    /** The DL4J model behind it (to save it, or for what this interface does not cover). */
    Model model();

    /** The configuration as DL4J writes it (JSON), from which {@link #fromConfiguration} builds the network again. */
    String configurationJson();

    /** The DL4J layer stack, for code that needs one (D's input gradient and output layer); an error for a graph. */
    MultiLayerNetwork layerStack();

    long numParams();

    /** All parameters as one flat view (batch-norm moving statistics included): writing to it changes them. */
    INDArray params();

    /** The optimizer's state (Adam's moments) as one flat view; an empty array for an optimizer without state. */
    INDArray updaterState();

    /** Optimizer updates applied so far (Adam's bias correction depends on it). */
    int iterations();

    void setIterations(int iterations);

    /** Sets the learning rate of every layer in the updater; the optimizer state is kept. */
    void setLearningRate(double learningRate);

    /** The output for {@code input} in inference mode (batch-norm running statistics). */
    INDArray output(INDArray input);

    /**
     * A forward pass in training mode that keeps every layer's input for {@link #backprop}; returns the output. The
     * activations stay allocated until {@link #releaseActivations()}.
     */
    INDArray forwardForTraining(INDArray input);

    /** Frees the activations of the last {@link #forwardForTraining} (their memory is reused by the next step). */
    void releaseActivations();

    /**
     * Backpropagates {@code outputGradient} (dLoss/dOutput) through the last {@link #forwardForTraining}: the
     * parameter gradients land in the network's gradient view. Returns them; the input gradient is not computed.
     */
    Gradient backprop(INDArray outputGradient);

    /** Applies the optimizer to {@code gradient} (from this network's gradient view) and advances the iteration. */
    void applyUpdate(Gradient gradient, int batchSize);

    /** Whether the gradient with respect to the input can be computed (see the class comment). */
    boolean hasInputGradient();

    /** A network of the same configuration and values, with its own memory. */
    Network copy();

    /**
     * The network a layer stack's or a graph's configuration describes, with {@code params} as its parameters
     * (not copied). Only for configurations from a trusted place: {@code NetworkArchive} checks a file's first.
     *
     * @throws IllegalArgumentException when the JSON is no network configuration or the parameter count is wrong
     */
    static Network fromConfiguration(String json, INDArray params) {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        // a graph's configuration lists vertices, a layer stack's its layers' configurations
        return tree.has("vertices")
                ? GraphNetwork.fromConfiguration(json, params)
                : SequentialNetwork.fromConfiguration(json, params);
    }

    /** An error unless {@code params} holds {@code expected} values. */
    static void requireParameters(long expected, INDArray params) {
        if (params.length() != expected) {
            throw new IllegalArgumentException(
                    "the configuration has " + expected + " parameters but " + params.length() + " were given");
        }
    }

    static Network of(Model model) {
        if (model instanceof MultiLayerNetwork sequential) {
            return new SequentialNetwork(sequential);
        }
        if (model instanceof ComputationGraph graph) {
            return new GraphNetwork(graph);
        }
        throw new IllegalArgumentException(
                "not a network sparkgan trains: " + model.getClass().getName());
    }
}
