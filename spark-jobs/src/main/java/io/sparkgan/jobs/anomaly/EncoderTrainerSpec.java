package io.sparkgan.jobs.anomaly;

import io.sparkgan.jobs.engine.LocalTrainer;
import io.sparkgan.jobs.engine.TrainerSpec;
import io.sparkgan.model.Json;
import io.sparkgan.model.anomaly.EncoderConfig;
import io.sparkgan.model.anomaly.EncoderNetworks;
import io.sparkgan.model.anomaly.EncoderStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The encoder trainer of a round. The frozen GAN travels once, as a broadcast ({@link FrozenGanBroadcast}); the
 * architecture that pooled trainers are shared by names it (run and checkpoint) and the encoder's config.
 */
record EncoderTrainerSpec(String architecture, FrozenGanBroadcast gan, String encoderJson) implements TrainerSpec {

    static EncoderTrainerSpec of(FrozenGanBroadcast gan, EncoderConfig config) {
        try {
            String encoder = Json.MAPPER.writeValueAsString(config);
            return new EncoderTrainerSpec(gan.key() + " " + encoder, gan, encoder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public LocalTrainer create() {
        EncoderConfig config = config();
        return new EncoderTrainer(new EncoderStep(EncoderNetworks.encoder(gan.model(), config), gan.build(), config));
    }

    @Override
    public void configure(LocalTrainer trainer) {
        // the encoder's rate is fixed for a run: nothing changes between rounds
    }

    @Override
    public List<String> statisticNames() {
        return EncoderTrainer.STATISTICS;
    }

    EncoderConfig config() {
        try {
            return Json.MAPPER.readValue(encoderJson, EncoderConfig.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
