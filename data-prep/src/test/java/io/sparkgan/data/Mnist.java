package io.sparkgan.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** The MNIST files the repository ships, and smaller IDX files made from them. */
final class Mnist {

    static final Path FOLDER = Path.of("..", "data", "mnist").toAbsolutePath().normalize();
    static final Path TRAIN_IMAGES = FOLDER.resolve("train-images-idx3-ubyte.gz");
    static final Path TRAIN_LABELS = FOLDER.resolve("train-labels-idx1-ubyte.gz");
    static final Path TEST_IMAGES = FOLDER.resolve("t10k-images-idx3-ubyte.gz");
    static final Path TEST_LABELS = FOLDER.resolve("t10k-labels-idx1-ubyte.gz");
    static final int IMAGE_BYTES = 28 * 28;

    private Mnist() {}

    /** The data bytes of the first {@code records} records of a gzipped IDX file. */
    static byte[] records(Path gzipped, int records) throws IOException {
        boolean images = gzipped.getFileName().toString().contains("images");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gzipped))) {
            in.skipNBytes(images ? 16 : 8);
            return in.readNBytes(records * (images ? IMAGE_BYTES : 1));
        }
    }

    /** Writes an IDX images file whose header declares {@code declared} images, holding {@code data}. */
    static void writeImages(Path file, int declared, byte[] data, boolean gzip) throws IOException {
        write(file, IdxFile.IMAGES_MAGIC, new int[] {declared, 28, 28}, data, gzip);
    }

    static void writeLabels(Path file, int declared, byte[] data, boolean gzip) throws IOException {
        write(file, IdxFile.LABELS_MAGIC, new int[] {declared}, data, gzip);
    }

    private static void write(Path file, int magic, int[] dims, byte[] data, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream header = new DataOutputStream(bytes);
        header.writeInt(magic);
        for (int dim : dims) {
            header.writeInt(dim);
        }
        header.write(data);
        try (OutputStream out =
                gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(bytes.toByteArray());
        }
    }

    /** Label counts per digit among the first records of a labels file. */
    static long[] classCounts(byte[] labels) {
        long[] counts = new long[10];
        for (byte label : labels) {
            counts[label]++;
        }
        return counts;
    }

    static byte[] image(byte[] images, int index) {
        return Arrays.copyOfRange(images, index * IMAGE_BYTES, (index + 1) * IMAGE_BYTES);
    }
}
