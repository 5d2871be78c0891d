package io.sparkgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark's image data source hands over B,G,R(,A) pixels; the dataset must hold R,G,B. */
class SparkImageSourceTest extends SparkTest {

    @TempDir
    Path dir;

    @Test
    void storesKnownColoursInRgbOrder() throws Exception {
        Path folder = dir.resolve("images");
        BufferedImage orange = TestImages.solid(4, 4, BufferedImage.TYPE_INT_RGB, 0x102030);
        orange.setRGB(0, 0, 0xff8000);
        TestImages.write(orange, folder.resolve("opaque/orange.png"));
        BufferedImage translucent = TestImages.solid(4, 4, BufferedImage.TYPE_INT_ARGB, 0x80c86432);
        TestImages.write(translucent, folder.resolve("translucent/a.png"));
        Path output = dir.resolve("ds");

        PrepRun run = PrepRun.of("--from", "spark-image", "--input", folder.toString(), "--output", output.toString());

        assertEquals(0, run.exitCode(), run::toString);
        DatasetManifest manifest = Datasets.manifest(spark, output.toString());
        assertEquals(new ImageShape(4, 4, 3), manifest.shape());
        assertEquals(List.of("opaque", "translucent"), manifest.labelNames());
        Map<Long, Row> rows = Datasets.rowsById(spark, output.toString());
        assertEquals(0, DatasetSchema.label(rows.get(0L)));
        byte[] first = DatasetSchema.image(rows.get(0L)).pixels();
        assertArrayEquals(new int[] {0xff, 0x80, 0x00}, TestImages.pixel(first, manifest.shape(), 0, 0));
        assertArrayEquals(new int[] {0x10, 0x20, 0x30}, TestImages.pixel(first, manifest.shape(), 3, 3));
        byte[] second = DatasetSchema.image(rows.get(1L)).pixels();
        assertArrayEquals(new int[] {100, 50, 25}, TestImages.pixel(second, manifest.shape(), 1, 1));
        assertTrue(DatasetValidator.validate(spark, output.toString()).valid());
    }

    @Test
    void keepsGrayImagesGrayAndResizes() throws Exception {
        Path folder = dir.resolve("gray");
        TestImages.write(TestImages.grayGradient(4, 4), folder.resolve("digits/a.png"));
        TestImages.write(TestImages.grayGradient(8, 8), folder.resolve("digits/b.png"));
        Path output = dir.resolve("ds");

        PrepRun run = PrepRun.of(
                "--from",
                "spark-image",
                "--input",
                folder.toString(),
                "--output",
                output.toString(),
                "--resize",
                "4x4");

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(
                new ImageShape(4, 4, 1),
                Datasets.manifest(spark, output.toString()).shape());
        byte[] first = DatasetSchema.image(
                        Datasets.rowsById(spark, output.toString()).get(0L))
                .pixels();
        assertEquals(10 * 2 + 1, first[4 + 2]);
    }
}
