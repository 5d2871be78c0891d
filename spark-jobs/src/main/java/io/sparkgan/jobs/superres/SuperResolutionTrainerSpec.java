package io.sparkgan.jobs.superres;

import io.sparkgan.jobs.engine.LocalTrainer;
import io.sparkgan.jobs.engine.TrainerSpec;
import io.sparkgan.jobs.eval.NetworkBroadcast;
import io.sparkgan.jobs.train.ModelTraining;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.superres.SuperResolutionStep;
import java.util.List;

/**
 * The super-resolution trainer of a round: as the GAN's, the model with placeholder rates and the round's rates, plus the feature network of the content loss
 * (the dataset evaluator's first layers, sent once; null without a feature term), which the architecture key names
 * so that pooled trainers are not shared across evaluators.
 */
record SuperResolutionTrainerSpec(
        String architecture, double lrG, double lrD, long seed, long imagesPerStep, NetworkBroadcast features)
        implements TrainerSpec {

    @Override
    public LocalTrainer create() {
        GanModelConfig model = ModelTraining.architecture(architecture);
        return new SuperResolutionTrainer(
                model.superResolution,
                new SuperResolutionStep(
                        GanNetworks.generator(model),
                        GanNetworks.discriminator(model),
                        model,
                        features == null ? null : features.build().layerStack()));
    }

    @Override
    public void configure(LocalTrainer trainer) {
        ((SuperResolutionTrainer) trainer).configure(this);
    }

    @Override
    public List<String> statisticNames() {
        return SuperResolutionTrainer.STATISTICS;
    }
}
