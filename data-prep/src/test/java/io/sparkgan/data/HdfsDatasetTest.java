package io.sparkgan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Datasets on HDFS: an in-process cluster of one NameNode and two DataNodes. */
class HdfsDatasetTest {

    @TempDir
    static Path clusterDir;

    private static MiniDFSCluster cluster;
    private static FileSystem hdfs;
    private static SparkSession spark;

    @BeforeAll
    static void startCluster() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, clusterDir.toString());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(2).build();
        cluster.waitActive();
        hdfs = cluster.getFileSystem();
        // Spark builds its own Hadoop Configuration; the cluster's is not visible to it.
        spark = TestSpark.start(
                Map.of("spark.hadoop.fs.defaultFS", hdfs.getUri().toString(), "spark.hadoop.dfs.replication", "2"));
    }

    @AfterAll
    static void stopCluster() {
        spark.stop();
        cluster.shutdown();
    }

    @Test
    void preparesAndValidatesADatasetOnHdfs() throws Exception {
        String output = hdfs.getUri() + "/prepared/mnist";

        PrepRun prep = PrepRun.of(
                "--from",
                "mnist-idx",
                "--input",
                "file://" + Mnist.TRAIN_IMAGES,
                "--output",
                output,
                "--limit",
                "500",
                "--shards",
                "2");
        PrepRun validate = PrepRun.of("--validate", output);

        assertEquals(0, prep.exitCode(), prep::toString);
        assertEquals(0, validate.exitCode(), validate::toString);
        assertTrue(validate.out().contains("count    500"), validate::toString);
        assertTrue(validate.out().contains("status   valid"), validate::toString);
        List<String> files = List.of(hdfs.listStatus(new org.apache.hadoop.fs.Path("/prepared/mnist"))).stream()
                .map(status -> status.getPath().getName())
                .sorted()
                .toList();
        assertEquals(List.of("_manifest.json", "shard-00000.parquet", "shard-00001.parquet"), files);
        // nothing temporary left next to it
        assertEquals(
                List.of("mnist"),
                List.of(hdfs.listStatus(new org.apache.hadoop.fs.Path("/prepared"))).stream()
                        .map(status -> status.getPath().getName())
                        .toList());
        assertEquals(500, DatasetReader.read(spark, output).rows().count());
    }

    @Test
    void readsAnImageFolderFromHdfs() throws Exception {
        upload(TestImages.solid(3, 3, BufferedImage.TYPE_INT_RGB, 0x0000ff), "/pictures/sky/a.png");
        upload(TestImages.solid(3, 3, BufferedImage.TYPE_INT_RGB, 0x00ff00), "/pictures/grass/b.png");

        // no scheme: paths resolve against fs.defaultFS, the cluster
        PrepRun prep = PrepRun.of("--from", "image-folder", "--input", "/pictures", "--output", "/datasets/pictures");

        assertEquals(0, prep.exitCode(), prep::toString);
        DatasetManifest manifest = Datasets.manifest(spark, "/datasets/pictures");
        assertEquals(List.of("grass", "sky"), manifest.labelNames());
        assertEquals(List.of(0.0, 127.5, 127.5), manifest.channelMean());
        assertTrue(DatasetValidator.validate(spark, hdfs.getUri() + "/datasets/pictures")
                .valid());
        FileStatus manifestFile =
                hdfs.getFileStatus(new org.apache.hadoop.fs.Path("/datasets/pictures/_manifest.json"));
        assertEquals(2, manifestFile.getReplication());
    }

    private static void upload(BufferedImage image, String path) throws Exception {
        try (OutputStream out = hdfs.create(new org.apache.hadoop.fs.Path(path))) {
            out.write(TestImages.png(image));
        }
    }
}
