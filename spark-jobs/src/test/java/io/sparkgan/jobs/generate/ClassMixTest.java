package io.sparkgan.jobs.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A class without training images is not asked of a conditional generator by default. */
class ClassMixTest {

    @TempDir
    Path dir;

    @Test
    void uniformCoversTheClassesTheTrainingDataHas() throws Exception {
        // labels 1..3 as EMNIST letters number them: class 0 is empty
        Files.writeString(dir.resolve("_manifest.json"), """
                {"formatVersion": 1, "height": 28, "width": 28, "channels": 1, "count": 6,
                 "labelNames": ["0", "a", "b", "c"], "classCounts": [0, 2, 3, 1],
                 "channelMean": [0.0], "channelStd": [1.0],
                 "shards": [{"file": "shard-00000.parquet", "rows": 6}],
                 "source": "test", "createdAt": "2026-12-05T00:00:00Z", "properties": {}}
                """);
        ClassMix uniform = ClassMix.parse(null, 4, dir.toString(), new Configuration());
        assertArrayEquals(new double[] {0, 1.0 / 3, 1.0 / 3, 1.0 / 3}, uniform.shares(), 1e-12);
        // without the training data (moved, deleted) every class alike, as before
        ClassMix unknown = ClassMix.parse(null, 4, dir.resolve("gone").toString(), new Configuration());
        assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, unknown.shares(), 1e-12);
    }
}
