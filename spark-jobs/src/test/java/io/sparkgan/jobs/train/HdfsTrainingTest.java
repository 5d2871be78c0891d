package io.sparkgan.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.jobs.TestData;
import io.sparkgan.model.state.GanState;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training that reads its dataset from HDFS and checkpoints to HDFS, then resumes from there. */
class HdfsTrainingTest {

    @TempDir
    static java.nio.file.Path clusterDir;

    @TempDir
    java.nio.file.Path local;

    static MiniDFSCluster cluster;
    static FileSystem hdfs;
    static SparkSession spark;

    @BeforeAll
    static void start() throws Exception {
        SparkSession.getDefaultSession().foreach(s -> {
            s.stop();
            return null;
        });
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, clusterDir.toString());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(2).build();
        cluster.waitActive();
        hdfs = cluster.getFileSystem();
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("sparkgan-hdfs-test")
                .config("spark.ui.enabled", "false")
                .config("spark.hadoop.fs.defaultFS", hdfs.getUri().toString())
                .config("spark.hadoop.dfs.replication", "2")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
        cluster.shutdown();
    }

    @Test
    void trainsFromHdfsCheckpointsToHdfsAndResumesFromThere() throws Exception {
        String data = hdfs.getUri() + "/datasets/mnist-64";
        TestData.CliResult prep = TestData.cli(
                "prep",
                "--from",
                "mnist-idx",
                "--input",
                TestData.MNIST.toUri().toString(),
                "--limit",
                "64",
                "--output",
                data);
        assertEquals(0, prep.exitCode(), prep.err());

        String runDir = hdfs.getUri() + "/runs/first";
        TrainConfig config = TrainingFixtures.tinyRun(data, runDir);
        config.checkpointEvery = 1;
        config.kimg = TrainingFixtures.kimgFor(config, 2, 2);
        TrainingFixtures.train(spark, config, TrainingMaster.Start.NEW);
        config.kimg = TrainingFixtures.kimgFor(config, 3, 2);
        java.util.Map<Long, String> committed = TrainingFixtures.committedMarkers(spark, runDir);
        TrainingFixtures.train(spark, config, TrainingMaster.Start.RESUME);
        TrainingFixtures.assertResumedFrom(spark, runDir, 4, 2, committed);

        assertTrue(hdfs.exists(new Path(runDir, "checkpoints/000000006/generator.zip")));
        assertTrue(hdfs.exists(new Path(runDir, "samples/000000006.png")));
        assertEquals("000000006", read(runDir + "/checkpoints/latest").trim());
        assertEquals(3, read(runDir + "/metrics/train.jsonl").lines().count());

        // the same run on local disk, uninterrupted, ends with the same state
        TrainConfig onDisk = TrainingFixtures.tinyRun(data, "file://" + local.resolve("run"));
        onDisk.checkpointEvery = 1;
        onDisk.kimg = config.kimg;
        TrainingFixtures.train(spark, onDisk, TrainingMaster.Start.NEW);
        GanState fromHdfs = TrainingFixtures.latestState(spark, runDir);
        GanState fromDisk = TrainingFixtures.latestState(spark, onDisk.runDir);
        assertArrayEquals(fromDisk.values(), fromHdfs.values(), 0f);
        assertEquals(6, fromHdfs.generatorIterations());
    }

    private static String read(String uri) throws Exception {
        try (var in = hdfs.open(new Path(uri))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
