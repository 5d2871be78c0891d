package io.sparkgan.jobs.train;

/** Training produced non-finite values more often than allowed ({@link TrainConfig#maxRejectedRounds}). */
public final class TrainingDiverged extends IllegalStateException {
    TrainingDiverged(String message) {
        super(message);
    }
}
