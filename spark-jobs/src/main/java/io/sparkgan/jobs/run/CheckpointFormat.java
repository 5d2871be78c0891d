package io.sparkgan.jobs.run;

import io.sparkgan.model.state.CheckpointFiles;
import java.io.IOException;

/**
 * How a model's checkpoint is written into a checkpoint directory's files and read back: what a {@link
 * CheckpointStore} needs of the model and nothing more.
 *
 * @param stateFile the file every checkpoint of this model has (a checkpoint from before commit markers is recognised
 *     by it)
 */
public record CheckpointFormat<T>(String stateFile, Writer<T> writer, Reader<T> reader) {

    /** Writes a checkpoint's files. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(T checkpoint, CheckpointFiles files) throws IOException;
    }

    /** Reads a checkpoint from its files. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(CheckpointFiles files) throws IOException;
    }
}
