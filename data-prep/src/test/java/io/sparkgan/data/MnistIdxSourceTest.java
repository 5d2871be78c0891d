package io.sparkgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MnistIdxSourceTest extends SparkTest {

    @TempDir
    Path dir;

    @Test
    void preparesTheFirstThousandTrainingDigits() throws Exception {
        String output = dir.resolve("mnist").toString();

        PrepRun run = PrepRun.of(
                "--from",
                "mnist-idx",
                "--input",
                Mnist.TRAIN_IMAGES.toString(),
                "--output",
                output,
                "--limit",
                "1000",
                "--shards",
                "2");

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("shape    28x28x1"), run::toString);
        byte[] images = Mnist.records(Mnist.TRAIN_IMAGES, 1000);
        byte[] labels = Mnist.records(Mnist.TRAIN_LABELS, 1000);
        DatasetManifest manifest = Datasets.manifest(spark, output);
        assertEquals(1000, manifest.count());
        assertEquals(new ImageShape(28, 28, 1), manifest.shape());
        assertEquals(IntStream.range(0, 10).mapToObj(String::valueOf).toList(), manifest.labelNames());
        assertEquals(Arrays.stream(Mnist.classCounts(labels)).boxed().toList(), manifest.classCounts());
        assertEquals(2, manifest.shards().size());
        assertEquals(
                1000,
                manifest.shards().stream()
                        .mapToLong(DatasetManifest.Shard::rows)
                        .sum());
        double mean = IntStream.range(0, images.length)
                .map(i -> images[i] & 0xff)
                .average()
                .orElseThrow();
        assertEquals(mean, manifest.channelMean().get(0), 1e-9);
        assertEquals("1000", manifest.properties().get("prep.limit"));
        assertTrue(manifest.source().contains("train-labels-idx1-ubyte.gz"), manifest.source());

        assertTrue(DatasetValidator.validate(spark, output).valid());
        Map<Long, Row> rows = Datasets.rowsById(spark, output);
        assertArrayEquals(
                Mnist.image(images, 0), DatasetSchema.image(rows.get(0L)).pixels());
        assertEquals(labels[999], DatasetSchema.label(rows.get(999L)));
    }

    @Test
    void readsRawFilesFromAFolderBySplit() throws Exception {
        byte[] images = Mnist.records(Mnist.TEST_IMAGES, 300);
        byte[] labels = Mnist.records(Mnist.TEST_LABELS, 300);
        Path folder = Files.createDirectory(dir.resolve("idx"));
        Mnist.writeImages(folder.resolve("t10k-images-idx3-ubyte"), 300, images, false);
        Mnist.writeLabels(folder.resolve("t10k-labels-idx1-ubyte"), 300, labels, false);
        String output = dir.resolve("mnist-test").toString();

        PrepRun run =
                PrepRun.of("--from", "mnist-idx", "--input", folder.toString(), "--split", "test", "--output", output);

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(300, Datasets.manifest(spark, output).count());
        Map<Long, Row> rows = Datasets.rowsById(spark, output);
        assertArrayEquals(
                Mnist.image(images, 299), DatasetSchema.image(rows.get(299L)).pixels());
        assertEquals(labels[0], DatasetSchema.label(rows.get(0L)));
    }

    @ParameterizedTest(name = "gzipped {0}")
    @ValueSource(booleans = {true, false})
    void namesTheFileAndRecordWhereATruncatedFileEnds(boolean gzip) throws Exception {
        byte[] images = Mnist.records(Mnist.TRAIN_IMAGES, 300);
        Path imagesFile = dir.resolve("train-images-idx3-ubyte" + (gzip ? ".gz" : ""));
        // header declares 300 images; the data stops half way through image 250
        Mnist.writeImages(imagesFile, 300, Arrays.copyOf(images, 250 * Mnist.IMAGE_BYTES + 400), gzip);
        Mnist.writeLabels(dir.resolve("train-labels-idx1-ubyte.gz"), 300, Mnist.records(Mnist.TRAIN_LABELS, 300), true);
        Path output = dir.resolve("out");

        PrepRun run = PrepRun.of(
                "--from",
                "mnist-idx",
                "--input",
                imagesFile.toString(),
                "--output",
                output.toString(),
                "--limit",
                "10");

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains(imagesFile + " is truncated"), run::toString);
        assertTrue(run.err().contains("record index 250"), run::toString);
        assertFalse(Files.exists(output));
    }

    @Test
    void namesBothFilesWhenTheCountsDiffer() throws Exception {
        Path imagesFile = dir.resolve("train-images-idx3-ubyte.gz");
        Path labelsFile = dir.resolve("train-labels-idx1-ubyte.gz");
        Mnist.writeImages(imagesFile, 300, Mnist.records(Mnist.TRAIN_IMAGES, 300), true);
        Mnist.writeLabels(labelsFile, 200, Mnist.records(Mnist.TRAIN_LABELS, 200), true);

        PrepRun run = PrepRun.of(
                "--from",
                "mnist-idx",
                "--input",
                imagesFile.toString(),
                "--output",
                dir.resolve("out").toString());

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains(imagesFile + " holds 300 images"), run::toString);
        assertTrue(run.err().contains(labelsFile + " holds 200 labels"), run::toString);
    }

    @Test
    void saysWhichKindOfFileWasGiven() {
        PrepRun run = PrepRun.of(
                "--from",
                "mnist-idx",
                "--input",
                Mnist.TRAIN_LABELS.toString(),
                "--output",
                dir.resolve("out").toString());

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("cannot find the labels file for"), run::toString);

        Path output = dir.resolve("out");
        PrepRun missing = PrepRun.of("--from", "mnist-idx", "--input", dir.toString(), "--output", output.toString());
        assertEquals(2, missing.exitCode(), missing::toString);
        assertTrue(missing.err().contains("no train images in folder " + dir), missing::toString);
        assertFalse(Files.exists(output));
    }
}
