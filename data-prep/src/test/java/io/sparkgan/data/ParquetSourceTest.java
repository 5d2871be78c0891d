package io.sparkgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Parquet tables from other tools, in every supported layout, must give the same pixels and labels. */
class ParquetSourceTest extends SparkTest {

    private static final ImageShape SHAPE = new ImageShape(5, 4, 3);
    private static final int[] LABELS = {1, 0, 1};
    private static final String[] LABEL_NAMES = {"cat", "dog"};
    /** Random R,G,B pixels of three images. */
    private static final List<byte[]> IMAGES = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void makeImages() {
        Random random = new Random(42);
        for (int i = 0; i < LABELS.length; i++) {
            byte[] pixels = new byte[SHAPE.pixelBytes()];
            random.nextBytes(pixels);
            IMAGES.add(pixels);
        }
    }

    /** How the input table holds the images, and the prep options that go with it. */
    enum Layout {
        RAW_WITH_SHAPE_COLUMNS,
        RAW_WITH_SHAPE_OPTION("--image-col", "pixels", "--shape", "5x4x3"),
        PNG_BYTES,
        HUGGING_FACE_STRUCT,
        SPARK_IMAGE_STRUCT,
        STRING_LABELS,
        WRITTEN_BY_PARQUET_HADOOP;

        final List<String> options;

        Layout(String... options) {
            this.options = List.of(options);
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void everyLayoutGivesTheSamePixelsAndLabels(Layout layout) throws Exception {
        Path input = dir.resolve("input");
        write(layout, input);
        Path output = dir.resolve("ds");
        List<String> args = new ArrayList<>(
                List.of("--from", "parquet", "--input", input.toString(), "--output", output.toString()));
        args.addAll(layout.options);

        PrepRun run = PrepRun.of(args.toArray(String[]::new));

        assertEquals(0, run.exitCode(), run::toString);
        DatasetManifest manifest = Datasets.manifest(spark, output.toString());
        assertEquals(SHAPE, manifest.shape());
        assertEquals(layout == Layout.STRING_LABELS ? List.of(LABEL_NAMES) : List.of("0", "1"), manifest.labelNames());
        Map<Long, Row> rows = Datasets.rowsById(spark, output.toString());
        assertEquals(List.of(0L, 1L, 2L), List.copyOf(rows.keySet()));
        for (int i = 0; i < LABELS.length; i++) {
            PixelImage image = DatasetSchema.image(rows.get((long) i));
            assertEquals(SHAPE, image.shape());
            assertArrayEquals(IMAGES.get(i), image.pixels(), "image " + i);
            assertEquals(LABELS[i], DatasetSchema.label(rows.get((long) i)), "label " + i);
        }
    }

    @Test
    void remapsIntegerLabelsToIndexesAndKeepsTheFirstRows() throws Exception {
        Path input = dir.resolve("input");
        StructType schema = new StructType()
                .add("image", DataTypes.BinaryType)
                .add("height", DataTypes.IntegerType)
                .add("width", DataTypes.IntegerType)
                .add("channels", DataTypes.IntegerType)
                .add("label", DataTypes.LongType);
        List<Row> rows = List.of(rawRow(0, 7L), rawRow(1, 3L), rawRow(2, 9L));
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(input.toString());
        Path output = dir.resolve("ds");

        PrepRun run = PrepRun.of(
                "--from", "parquet", "--input", input.toString(), "--output", output.toString(), "--limit", "2");

        assertEquals(0, run.exitCode(), run::toString);
        DatasetManifest manifest = Datasets.manifest(spark, output.toString());
        assertEquals(List.of("3", "7"), manifest.labelNames());
        assertEquals(List.of(1L, 1L), manifest.classCounts());
        Map<Long, Row> written = Datasets.rowsById(spark, output.toString());
        assertEquals(
                List.of(1, 0),
                written.values().stream().map(DatasetSchema::label).toList());
        assertArrayEquals(IMAGES.get(1), DatasetSchema.image(written.get(1L)).pixels());
    }

    @Test
    void listsTheColumnsWhenOneIsMissing() throws Exception {
        Path input = dir.resolve("input");
        write(Layout.RAW_WITH_SHAPE_COLUMNS, input);

        PrepRun run = PrepRun.of(
                "--from",
                "parquet",
                "--input",
                input.toString(),
                "--output",
                dir.resolve("ds").toString(),
                "--image-col",
                "img");

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(
                run.err()
                        .contains("has no column 'img' (--image-col); its columns are: image, height, width, channels,"
                                + " label"),
                run::toString);
    }

    @Test
    void namesTheRowOfAMissingLabel() throws Exception {
        Path input = dir.resolve("input");
        StructType schema = new StructType().add("image", DataTypes.BinaryType).add("label", DataTypes.StringType);
        List<Row> rows = List.of(RowFactory.create(png(0), "cat"), RowFactory.create(png(1), null));
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(input.toString());

        PrepRun run = PrepRun.of(
                "--from",
                "parquet",
                "--input",
                input.toString(),
                "--output",
                dir.resolve("ds").toString());

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(
                run.err()
                        .matches("(?s)error: file:" + input + "/part-[^ ]+\\.parquet row 1 has no label \\(null in"
                                + " column 'label' of .*"),
                run::toString);
    }

    private static Row rawRow(int index, Object label) {
        return RowFactory.create(IMAGES.get(index), SHAPE.height(), SHAPE.width(), SHAPE.channels(), label);
    }

    private static byte[] png(int index) throws IOException {
        BufferedImage image = new BufferedImage(SHAPE.width(), SHAPE.height(), BufferedImage.TYPE_INT_RGB);
        byte[] rgb = IMAGES.get(index);
        for (int p = 0; p < SHAPE.height() * SHAPE.width(); p++) {
            int colour = (rgb[3 * p] & 0xff) << 16 | (rgb[3 * p + 1] & 0xff) << 8 | (rgb[3 * p + 2] & 0xff);
            image.setRGB(p % SHAPE.width(), p / SHAPE.width(), colour);
        }
        return TestImages.png(image);
    }

    private static byte[] bgr(int index) {
        byte[] rgb = IMAGES.get(index);
        byte[] bgr = new byte[rgb.length];
        for (int p = 0; p < rgb.length; p += 3) {
            bgr[p] = rgb[p + 2];
            bgr[p + 1] = rgb[p + 1];
            bgr[p + 2] = rgb[p];
        }
        return bgr;
    }

    private static void write(Layout layout, Path input) throws IOException {
        if (layout == Layout.WRITTEN_BY_PARQUET_HADOOP) {
            writeWithoutSpark(input.resolve("images.parquet"));
            return;
        }
        StructType rawColumns = new StructType()
                .add("image", DataTypes.BinaryType)
                .add("height", DataTypes.IntegerType)
                .add("width", DataTypes.IntegerType)
                .add("channels", DataTypes.IntegerType);
        StructType huggingFace =
                new StructType().add("bytes", DataTypes.BinaryType).add("path", DataTypes.StringType);
        StructType sparkImage = new StructType()
                .add("origin", DataTypes.StringType)
                .add("height", DataTypes.IntegerType)
                .add("width", DataTypes.IntegerType)
                .add("nChannels", DataTypes.IntegerType)
                .add("mode", DataTypes.IntegerType)
                .add("data", DataTypes.BinaryType);
        StructType schema = switch (layout) {
            case RAW_WITH_SHAPE_COLUMNS -> rawColumns.add("label", DataTypes.IntegerType);
            case STRING_LABELS -> rawColumns.add("label", DataTypes.StringType);
            case RAW_WITH_SHAPE_OPTION ->
                new StructType().add("pixels", DataTypes.BinaryType).add("label", DataTypes.IntegerType);
            case PNG_BYTES ->
                new StructType().add("image", DataTypes.BinaryType).add("label", DataTypes.IntegerType);
            // Hugging Face's ClassLabel is int64
            case HUGGING_FACE_STRUCT ->
                new StructType().add("image", huggingFace).add("label", DataTypes.LongType);
            case SPARK_IMAGE_STRUCT -> new StructType().add("image", sparkImage).add("label", DataTypes.IntegerType);
            case WRITTEN_BY_PARQUET_HADOOP -> throw new IllegalArgumentException(layout.name());
        };
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < LABELS.length; i++) {
            rows.add(
                    switch (layout) {
                        case RAW_WITH_SHAPE_COLUMNS -> rawRow(i, LABELS[i]);
                        case STRING_LABELS -> rawRow(i, LABEL_NAMES[LABELS[i]]);
                        case RAW_WITH_SHAPE_OPTION -> RowFactory.create(IMAGES.get(i), LABELS[i]);
                        case PNG_BYTES -> RowFactory.create(png(i), LABELS[i]);
                        case HUGGING_FACE_STRUCT ->
                            RowFactory.create(RowFactory.create(png(i), "img" + i + ".png"), (long) LABELS[i]);
                        // mode 16 is OpenCV's CV_8UC3
                        case SPARK_IMAGE_STRUCT ->
                            RowFactory.create(
                                    RowFactory.create("img" + i + ".png", SHAPE.height(), SHAPE.width(), 3, 16, bgr(i)),
                                    LABELS[i]);
                        case WRITTEN_BY_PARQUET_HADOOP -> throw new IllegalArgumentException(layout.name());
                    });
        }
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(input.toString());
    }

    /** The same table as RAW_WITH_SHAPE_COLUMNS, written with parquet-hadoop's example Group API. */
    private static void writeWithoutSpark(Path file) throws IOException {
        MessageType schema = MessageTypeParser.parseMessageType("message images { required binary image;"
                + " required int32 height; required int32 width; required int32 channels; required int32 label; }");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        HadoopOutputFile out =
                HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(file.toString()), new Configuration());
        try (ParquetWriter<Group> writer =
                ExampleParquetWriter.builder(out).withType(schema).build()) {
            for (int i = 0; i < LABELS.length; i++) {
                writer.write(groups.newGroup()
                        .append("image", Binary.fromConstantByteArray(IMAGES.get(i)))
                        .append("height", SHAPE.height())
                        .append("width", SHAPE.width())
                        .append("channels", SHAPE.channels())
                        .append("label", LABELS[i]));
            }
        }
    }
}
