package io.sparkgan.jobs.eval;

import io.sparkgan.jobs.spark.Broadcasts;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.perf.OneDnnLayers;
import java.io.Serializable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network sent to the executors for inference: its configuration and parameters as plain broadcasts (no
 * updater state), rebuilt in each task with the oneDNN helpers installed.
 */
public final class NetworkBroadcast implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Broadcast<String> configuration;
    private final Broadcast<float[]> parameters;

    public NetworkBroadcast(JavaSparkContext jsc, Network net) {
        this.configuration = jsc.broadcast(net.configurationJson());
        this.parameters = jsc.broadcast(net.params().toFloatVector());
    }

    public Network build() {
        Network net = Network.fromConfiguration(configuration.value(), Nd4j.createFromArray(parameters.value()));
        OneDnnLayers.enable(net.model());
        return net;
    }

    public void destroy() {
        Broadcasts.destroy(configuration);
        Broadcasts.destroy(parameters);
    }
}
