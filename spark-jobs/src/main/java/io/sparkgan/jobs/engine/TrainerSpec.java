package io.sparkgan.jobs.engine;

import java.io.Serializable;
import java.util.List;

/**
 * Which local trainer a round runs, sent with the round: how to build one (once per executor JVM and
 * architecture, see {@link TrainerPool}) and the settings of this round (learning rates), which are applied to a
 * pooled trainer without building it again.
 */
public interface TrainerSpec extends Serializable {

    /** What pooled trainers are shared by: the model's architecture without its per-round settings. */
    String architecture();

    /** A new trainer of this architecture. */
    LocalTrainer create();

    /** Applies this round's settings to a (possibly pooled) trainer of this architecture. */
    void configure(LocalTrainer trainer);

    /** The columns of the statistics the trainer's steps add up. */
    List<String> statisticNames();
}
