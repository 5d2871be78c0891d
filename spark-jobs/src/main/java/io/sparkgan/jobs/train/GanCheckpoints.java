package io.sparkgan.jobs.train;

import io.sparkgan.jobs.run.CheckpointFormat;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.model.state.GanCheckpoint;

/** A GAN's (and an SRGAN's) checkpoints in a run directory: {@link GanCheckpoint}'s files in a checkpoint store. */
public final class GanCheckpoints {

    /** gan.json with G's and D's archives (and the average's). */
    public static final CheckpointFormat<GanCheckpoint> FORMAT =
            new CheckpointFormat<>(GanCheckpoint.STATE, GanCheckpoint::write, GanCheckpoint::read);

    private GanCheckpoints() {}

    /** The checkpoints of the run in {@code storage}, keeping the last {@code keep} and the best. */
    public static CheckpointStore<GanCheckpoint> store(RunStorage storage, int keep) {
        return new CheckpointStore<>(storage, keep, FORMAT);
    }
}
