package io.sparkgan.jobs.train;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.state.GanCheckpoint;
import io.sparkgan.model.state.GanState;
import io.sparkgan.model.training.GeneratorAverage;

/**
 * The driver's copy of the model: G, D, G's moving average when the run keeps one, and the network samples and
 * evaluations are drawn from (a second G holding the average, or G itself). The driver never trains them; it
 * writes averaged states into them to checkpoint and sample, and reads checkpoints into them to resume or roll
 * back.
 */
final class DriverNetworks {

    final Network generator;
    final Network discriminator;
    final GeneratorAverage average;
    final Network sampler;

    DriverNetworks(GanModelConfig model) {
        generator = GanNetworks.generator(model);
        discriminator = GanNetworks.discriminator(model);
        average = model.emaKimg > 0 ? new GeneratorAverage(generator) : null;
        sampler = average != null ? GanNetworks.generator(model) : generator;
    }

    GanState capture() {
        return GanState.capture(generator, discriminator, average);
    }

    /** Writes {@code state} into the networks, and the average into the sampler. */
    void apply(GanState state) {
        state.applyTo(generator, discriminator, average);
        if (average != null) {
            average.applyTo(sampler);
        }
    }

    /** Takes the networks' state (and the average's) from a checkpoint. */
    void load(GanCheckpoint checkpoint) {
        GeneratorAverage saved =
                checkpoint.averagedGenerator() != null ? new GeneratorAverage(checkpoint.averagedGenerator()) : null;
        GanState.capture(checkpoint.generator(), checkpoint.discriminator(), saved)
                .applyTo(generator, discriminator, average);
    }

    /** The checkpoint of the networks' present state. */
    GanCheckpoint checkpoint(GanModelConfig model, com.fasterxml.jackson.databind.JsonNode trainingState) {
        return new GanCheckpoint(model, generator, discriminator, average != null ? sampler : null, trainingState);
    }
}
