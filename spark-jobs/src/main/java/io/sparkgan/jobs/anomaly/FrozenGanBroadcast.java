package io.sparkgan.jobs.anomaly;

import io.sparkgan.jobs.spark.Broadcasts;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.anomaly.FrozenGan;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.state.GanCheckpoint;
import io.sparkgan.model.state.GanState;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A GAN checkpoint's G (its moving average when it has one, as samples use) and D, sent once to the executors,
 * where each task that needs them builds a {@link FrozenGan}.
 */
final class FrozenGanBroadcast implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String key;
    private final String modelJson;
    private final Broadcast<byte[]> state;

    FrozenGanBroadcast(JavaSparkContext jsc, String key, GanCheckpoint checkpoint) {
        this.key = key;
        try {
            this.modelJson = Json.MAPPER.writeValueAsString(checkpoint.config());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.state = jsc.broadcast(GanState.capture(checkpoint.samplingGenerator(), checkpoint.discriminator(), null)
                .toBytes());
    }

    /** Which run and checkpoint: trainers built for another GAN are not reused for this one. */
    String key() {
        return key;
    }

    GanModelConfig model() {
        try {
            return Json.MAPPER.readValue(modelJson, GanModelConfig.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    FrozenGan build() {
        GanModelConfig model = model();
        Network generator = GanNetworks.generator(model);
        Network discriminator = GanNetworks.discriminator(model);
        GanState.fromBytes(state.value()).applyTo(generator, discriminator);
        return FrozenGan.of(model, generator, discriminator);
    }

    void destroy() {
        Broadcasts.destroy(state);
    }
}
