package io.sparkgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderSourceTest extends SparkTest {

    @TempDir
    Path dir;

    /** cat/: gray PNG 8x8 and RGB JPEG 8x8; dog/: palette PNG 8x8 and RGBA PNG 6 high, 10 wide. */
    private Path folder;

    @BeforeEach
    void writeImages() throws Exception {
        folder = dir.resolve("pets");
        TestImages.write(TestImages.grayGradient(8, 8), folder.resolve("cat/gray.png"));
        TestImages.write(TestImages.solid(8, 8, BufferedImage.TYPE_INT_RGB, 0x3080c0), folder.resolve("cat/rgb.jpg"));
        TestImages.write(TestImages.palette(8, 8, 250, 20, 10), folder.resolve("dog/palette.png"));
        TestImages.write(
                TestImages.solid(6, 10, BufferedImage.TYPE_INT_ARGB, 0x80c86432), folder.resolve("dog/rgba.png"));
    }

    private PrepRun prep(Path input, Path output, String... extra) {
        List<String> args = new ArrayList<>(
                List.of("--from", "image-folder", "--input", input.toString(), "--output", output.toString()));
        args.addAll(List.of(extra));
        return PrepRun.of(args.toArray(String[]::new));
    }

    /** --tile: 8x8 images cut into 3x4 tiles give 2x2 tiles each (the remainder dropped), ids i * 4 + k. */
    @Test
    void tilesCutEveryImageIntoNonOverlappingPatchesKeepingLabels() {
        Path output = dir.resolve("tiles");

        PrepRun run = prep(folder, output, "--resize", "8x8", "--tile", "3x4");

        assertEquals(0, run.exitCode(), run::toString);
        DatasetManifest manifest = Datasets.manifest(spark, output.toString());
        assertEquals(new ImageShape(3, 4, 3), manifest.shape());
        assertEquals(16, manifest.count());
        Map<Long, Row> rows = Datasets.rowsById(spark, output.toString());
        assertEquals(
                List.of(0L, 1L, 2L, 3L, 4L), rows.keySet().stream().limit(5).toList());
        assertEquals(1, DatasetSchema.label(rows.get(4L)), "tile 0 of image 1 (dog/palette)");
        // image 0 is the gray gradient: tile 3 (second row, second column) starts at pixel (3, 4) of the image
        assertEquals(0, prep(folder, dir.resolve("whole"), "--resize", "8x8").exitCode());
        Map<Long, Row> images = Datasets.rowsById(spark, dir.resolve("whole").toString());
        ImageShape whole = new ImageShape(8, 8, 3);
        byte[] image = DatasetSchema.image(images.get(0L)).pixels();
        byte[] tile = DatasetSchema.image(rows.get(3L)).pixels();
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                assertArrayEquals(
                        TestImages.pixel(image, whole, 3 + y, 4 + x), TestImages.pixel(tile, manifest.shape(), y, x));
            }
        }
        PrepRun tooLarge = prep(folder, dir.resolve("large"), "--resize", "8x8", "--tile", "9x9");
        assertEquals(2, tooLarge.exitCode());
        assertTrue(tooLarge.err().contains("--tile 9x9 is larger than the 8x8 images"), tooLarge::toString);
    }

    @Test
    void labelsByFolderAndResizesToOneShape() {
        Path output = dir.resolve("ds");

        PrepRun run = prep(folder, output, "--resize", "8x8");

        assertEquals(0, run.exitCode(), run::toString);
        DatasetManifest manifest = Datasets.manifest(spark, output.toString());
        assertEquals(new ImageShape(8, 8, 3), manifest.shape());
        assertEquals(List.of("cat", "dog"), manifest.labelNames());
        assertEquals(List.of(2L, 2L), manifest.classCounts());
        assertTrue(DatasetValidator.validate(spark, output.toString()).valid());

        // ids interleave the classes: cat/gray, dog/palette, cat/rgb, dog/rgba
        Map<Long, Row> rows = Datasets.rowsById(spark, output.toString());
        assertEquals(
                List.of(0, 1, 0, 1),
                rows.values().stream().map(DatasetSchema::label).toList());
        ImageShape shape = manifest.shape();
        byte[] gray = DatasetSchema.image(rows.get(0L)).pixels();
        assertArrayEquals(new int[] {53, 53, 53}, TestImages.pixel(gray, shape, 3, 5));
        byte[] palette = DatasetSchema.image(rows.get(1L)).pixels();
        assertArrayEquals(new int[] {250, 20, 10}, TestImages.pixel(palette, shape, 0, 0));
        assertArrayEquals(new int[] {0, 0, 0}, TestImages.pixel(palette, shape, 7, 7));
        int[] jpeg = TestImages.pixel(DatasetSchema.image(rows.get(2L)).pixels(), shape, 4, 4);
        int[] expectedJpeg = {0x30, 0x80, 0xc0};
        for (int c = 0; c < 3; c++) {
            assertEquals(expectedJpeg[c], jpeg[c], 4, "JPEG is lossy, but not by much on a flat colour");
        }
        // alpha 0x80 over black: 200, 100, 50 scaled by 128/255; resizing a flat colour keeps it
        byte[] rgba = DatasetSchema.image(rows.get(3L)).pixels();
        assertArrayEquals(new int[] {100, 50, 25}, TestImages.pixel(rgba, shape, 2, 6));
    }

    @Test
    void namesTwoFilesOfDifferentSizesWhenNotResizing() {
        PrepRun run = prep(folder, dir.resolve("ds"));

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(
                run.err()
                        .contains("images have different sizes: file:" + folder.resolve("cat/gray.png") + " is 8x8 but "
                                + "file:" + folder.resolve("dog/rgba.png") + " is 6x10"),
                run::toString);
        assertTrue(run.err().contains("pass --resize HxW"), run::toString);
    }

    @Test
    void grayImagesDirectlyInTheFolderMakeAnUnlabelledGrayDataset() throws Exception {
        Path plain = dir.resolve("plain");
        TestImages.write(TestImages.grayGradient(4, 4), plain.resolve("a.png"));
        TestImages.write(TestImages.grayGradient(4, 4), plain.resolve("b.png"));
        Files.writeString(plain.resolve("README.txt"), "not an image");
        Path gray = dir.resolve("gray");
        Path rgb = dir.resolve("rgb");

        assertEquals(0, prep(plain, gray).exitCode());
        assertEquals(0, prep(plain, rgb, "--channels", "3", "--limit", "1").exitCode());

        DatasetManifest grayManifest = Datasets.manifest(spark, gray.toString());
        assertEquals(new ImageShape(4, 4, 1), grayManifest.shape());
        assertNull(grayManifest.labelNames());
        assertNull(grayManifest.classCounts());
        assertEquals(2, grayManifest.count());
        Row first = Datasets.rowsById(spark, gray.toString()).get(0L);
        assertNull(DatasetSchema.label(first));
        assertEquals(23, DatasetSchema.image(first).pixels()[3 * 4 + 2]);
        assertTrue(DatasetValidator.validate(spark, gray.toString()).valid());
        DatasetManifest rgbManifest = Datasets.manifest(spark, rgb.toString());
        assertEquals(new ImageShape(4, 4, 3), rgbManifest.shape());
        assertEquals(1, rgbManifest.count());
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderBeforeAnyDecoding() throws Exception {
        Path bombs = dir.resolve("bombs");
        Files.createDirectories(bombs);
        Files.write(bombs.resolve("bomb.png"), pngHeaderClaiming(100_000, 100_000));
        PrepRun run = prep(bombs, dir.resolve("ds"));
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(
                run.err().contains("bomb.png")
                        && run.err().contains("100000x100000")
                        && run.err().contains("--max-image-pixels"),
                run::toString);
    }

    @Test
    void theDecodedPixelLimitIsAnOption() {
        PrepRun refused = prep(folder, dir.resolve("ds"), "--resize", "8x8", "--max-image-pixels", "50");
        assertEquals(2, refused.exitCode(), refused::toString);
        assertTrue(refused.err().contains("--max-image-pixels 50"), refused::toString);
        PrepRun allowed = prep(folder, dir.resolve("ds2"), "--resize", "8x8", "--max-image-pixels", "100");
        assertEquals(0, allowed.exitCode(), allowed::toString);
    }

    /** A PNG whose header claims a size its (tiny) data never fills: what a decompression bomb looks like. */
    private static byte[] pngHeaderClaiming(int width, int height) throws Exception {
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13)
                .putInt(width)
                .putInt(height)
                .put((byte) 8)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        chunk(png, "IHDR", ihdr.array());
        java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(idat)) {
            z.write(new byte[width + 1]);
        }
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) throws Exception {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void aCmykJpegIsRefusedByNameInsteadOfDecodedWithWrongColours() throws Exception {
        // plain four components, and with the Adobe marker of Photoshop and Pillow saying CMYK or YCCK
        for (int adobeTransform : new int[] {-1, 0, 2}) {
            Path images = dir.resolve("cmyk" + adobeTransform);
            TestImages.write(TestImages.solid(8, 8, BufferedImage.TYPE_INT_RGB, 0x3080c0), images.resolve("rgb.jpg"));
            Files.write(images.resolve("print.jpg"), TestImages.cmykJpeg(8, 8, 0x30, 0x80, 0xc0, adobeTransform));

            PrepRun run = prep(images, dir.resolve("ds" + adobeTransform));

            assertEquals(2, run.exitCode(), run::toString);
            assertTrue(
                    run.err()
                            .contains("file:" + images.resolve("print.jpg") + " is a CMYK JPEG, whose colours"
                                    + " javax.imageio does not convert to RGB faithfully"),
                    run::toString);
            assertFalse(Files.exists(dir.resolve("ds" + adobeTransform)));
        }
    }

    @Test
    void namesAFileThatIsNotAnImage() throws Exception {
        Files.write(folder.resolve("dog/broken.png"), "not a png at all".getBytes());

        PrepRun run = prep(folder, dir.resolve("ds"), "--resize", "8x8");

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(
                run.err()
                        .contains("file:" + folder.resolve("dog/broken.png")
                                + " is not an image that javax.imageio can read"),
                run::toString);
    }

    @Test
    void aCorruptImageFoundWhileWritingLeavesNoDataset() throws Exception {
        // a valid header followed by cut-off pixel data passes the header survey and fails in decoding
        byte[] png = TestImages.png(TestImages.grayGradient(8, 8));
        Files.write(folder.resolve("cat/cut.png"), Arrays.copyOf(png, png.length - 30));
        Path output = dir.resolve("ds");

        PrepRun run = prep(folder, output, "--resize", "8x8");

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(
                run.err().contains("error: cannot decode image file:" + folder.resolve("cat/cut.png")), run::toString);
        assertFalse(Files.exists(output));
        assertEquals(List.of("pets"), Datasets.names(dir));
    }
}
