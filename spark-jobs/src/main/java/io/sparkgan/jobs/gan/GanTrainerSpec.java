package io.sparkgan.jobs.gan;

import io.sparkgan.jobs.engine.LocalTrainer;
import io.sparkgan.jobs.engine.TrainerSpec;
import io.sparkgan.jobs.train.ModelTraining;
import io.sparkgan.jobs.train.PairTrainers;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.training.GanStep;
import java.util.List;

/**
 * The GAN trainer of a round. {@code architecture} is the model config with placeholder learning rates (what the
 * executors build and pool networks by); the round's rates travel as {@code lrG} and {@code lrD} and are set on
 * the pooled networks, so a rollback changes no network. {@code imagesPerStep}: real images one step shows over
 * all workers, what the moving average of G counts its half-life in.
 */
record GanTrainerSpec(String architecture, double lrG, double lrD, long seed, long imagesPerStep)
        implements TrainerSpec {

    @Override
    public LocalTrainer create() {
        GanModelConfig model = ModelTraining.architecture(architecture);
        return new GanTrainer(
                model, new GanStep(GanNetworks.generator(model), GanNetworks.discriminator(model), model));
    }

    @Override
    public void configure(LocalTrainer trainer) {
        ((GanTrainer) trainer).configure(this);
    }

    @Override
    public List<String> statisticNames() {
        return PairTrainers.STATISTICS;
    }
}
