package io.sparkgan.model.state;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a checkpoint's files go: a local directory here, a Hadoop FileSystem directory in spark-jobs.
 * model-defs knows nothing of Hadoop, so it writes through this.
 */
public interface CheckpointFiles {

    OutputStream create(String name) throws IOException;

    InputStream open(String name) throws IOException;

    boolean exists(String name) throws IOException;

    /** The file's full name, for error messages. */
    String location(String name);

    static CheckpointFiles localDirectory(Path dir) {
        return new CheckpointFiles() {
            @Override
            public OutputStream create(String name) throws IOException {
                Files.createDirectories(dir);
                return Files.newOutputStream(dir.resolve(name));
            }

            @Override
            public InputStream open(String name) throws IOException {
                return Files.newInputStream(dir.resolve(name));
            }

            @Override
            public boolean exists(String name) {
                return Files.exists(dir.resolve(name));
            }

            @Override
            public String location(String name) {
                return dir.resolve(name).toString();
            }
        };
    }
}
