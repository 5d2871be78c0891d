package io.sparkgan.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkgan.jobs.TestData;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pointer files (checkpoints/latest, best) are replaced so that a reader, or a crash, never finds none. */
class RunStorageTest {

    @TempDir
    Path dir;

    @Test
    void aReplacedFileIsNeverMissingOnLocalFiles() throws Exception {
        neverMissing(new RunStorage(dir.resolve("run").toUri().toString(), new Configuration()), 300);
    }

    @Test
    void aReplacedFileIsNeverMissingOnHdfs() throws Exception {
        // fewer writes: every one to MiniDFSCluster is a round of RPCs
        TestData.withMiniHdfs(dir.resolve("hdfs"), (uri, conf) -> neverMissing(new RunStorage(uri + "/run", conf), 30));
    }

    private static void neverMissing(RunStorage storage, int writes) throws Exception {
        storage.writeAtomically("checkpoints/latest", "0\n");
        AtomicBoolean done = new AtomicBoolean();
        int[] misses = new int[1];
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                try {
                    if (!storage.exists("checkpoints/latest")) {
                        misses[0]++;
                    }
                } catch (Exception e) {
                    misses[0]++;
                }
            }
        });
        reader.start();
        for (int i = 1; i <= writes; i++) {
            storage.writeAtomically("checkpoints/latest", i + "\n");
        }
        done.set(true);
        reader.join();
        assertEquals(0, misses[0], "times a reader found no file");
        assertEquals(
                String.valueOf(writes), storage.readString("checkpoints/latest").trim());
    }
}
