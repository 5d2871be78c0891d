package io.sparkgan.data;

import static org.apache.spark.sql.functions.min;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * Input rows in one intermediate form, whatever their source (any Parquet layout, Spark's image data source),
 * so that one survey and one decoder serve them all. Columns: {@link #REF} (names the record in errors),
 * {@link #ID}, {@link #LABEL} (already an index, or null), {@link #DATA} and, where the layout has them,
 * {@link #HEIGHT}, {@link #WIDTH}, {@link #CHANNELS} and {@link #MODE}.
 */
final class StagedImages {

    static final String REF = "ref";
    static final String ID = "id";
    static final String LABEL = "label";
    static final String DATA = "data";
    static final String HEIGHT = "height";
    static final String WIDTH = "width";
    static final String CHANNELS = "channels";
    static final String MODE = "mode";

    /** OpenCV's 8-bit modes, the only ones Spark's image data source produces: CV_8UC1, CV_8UC3, CV_8UC4. */
    private static final List<Integer> EIGHT_BIT_MODES = List.of(0, 16, 24);

    /** How {@link #DATA} holds the pixels. */
    enum Layout {
        /** uint8 pixels, row-major HWC, gray or R,G,B, shaped by the height/width/channels columns */
        RAW,
        /** a PNG or JPEG file's bytes */
        ENCODED,
        /** Spark's image struct: OpenCV order (B,G,R[,A]), shaped by height/width/channels, type in mode */
        SPARK_IMAGE
    }

    private final Dataset<Row> rows;
    private final Layout layout;
    private final long maxPixels;

    /** @param maxPixels the most pixels an encoded image may claim (see {@link ImageCodec#DEFAULT_MAX_PIXELS}) */
    StagedImages(Dataset<Row> rows, Layout layout, long maxPixels) {
        this.rows = rows.select(REF, ID, LABEL, DATA, HEIGHT, WIDTH, CHANNELS, MODE);
        this.layout = layout;
        this.maxPixels = maxPixels;
    }

    /**
     * The shapes present. Where the shape is in columns this aggregates those columns alone (Parquet then reads
     * no image bytes); encoded images are surveyed by reading their headers on the executors.
     */
    List<ObservedShape> survey() {
        if (layout == Layout.ENCODED) {
            long maxPixels = this.maxPixels;
            List<ObservedShape> perPartition = rows.javaRDD()
                    .mapPartitions(partition -> {
                        List<ObservedShape> shapes = new ArrayList<>();
                        partition.forEachRemaining(row -> {
                            ImageCodec.Header header = ImageCodec.readHeader(
                                    new ByteArrayInputStream(encodedBytes(row)), row.getString(0), maxPixels);
                            shapes.add(new ObservedShape(
                                    header.height(), header.width(), header.gray(), row.getString(0)));
                        });
                        return ObservedShape.distinct(shapes.iterator()).iterator();
                    })
                    .collect();
            return ObservedShape.distinct(perPartition.iterator());
        }
        List<ObservedShape> shapes = new ArrayList<>();
        for (Row group : rows.groupBy(HEIGHT, WIDTH, CHANNELS).agg(min(REF)).collectAsList()) {
            String example = group.getString(3);
            if (group.isNullAt(0) || group.isNullAt(1) || group.isNullAt(2)) {
                throw new DatasetException(example + " has no height, width or channels value");
            }
            int height = group.getInt(0);
            int width = group.getInt(1);
            int channels = group.getInt(2);
            if (layout == Layout.SPARK_IMAGE && channels < 0) {
                throw new DatasetException(example + " is not an image that Spark's image data source could decode");
            }
            List<Integer> allowed = layout == Layout.SPARK_IMAGE ? List.of(1, 3, 4) : List.of(1, 3);
            if (height <= 0 || width <= 0 || !allowed.contains(channels)) {
                throw new DatasetException(example + " has shape " + height + "x" + width + "x" + channels
                        + "; height and width must be positive and channels one of " + allowed);
            }
            shapes.add(new ObservedShape(height, width, channels == 1, example));
        }
        return shapes;
    }

    /** The rows in the dataset schema, each image decoded and brought to {@code target} on the executors. */
    Dataset<Row> decode(ImageShape target) {
        Layout layout = this.layout;
        long maxPixels = this.maxPixels;
        return rows.mapPartitions(
                (MapPartitionsFunction<Row, Row>) partition -> {
                    Iterable<Row> input = () -> partition;
                    return StreamSupport.stream(input.spliterator(), false)
                            .map(row -> {
                                Integer label = row.isNullAt(2) ? null : row.getInt(2);
                                return DatasetSchema.row(
                                        row.getLong(1),
                                        label,
                                        pixels(layout, row, maxPixels).conformTo(target));
                            })
                            .iterator();
                },
                Encoders.row(DatasetSchema.SCHEMA));
    }

    private static PixelImage pixels(Layout layout, Row row, long maxPixels) {
        String ref = row.getString(0);
        if (layout == Layout.ENCODED) {
            return ImageCodec.decode(new ByteArrayInputStream(encodedBytes(row)), ref, maxPixels);
        }
        byte[] data = requireBytes(row);
        int height = row.getInt(4);
        int width = row.getInt(5);
        int channels = row.getInt(6);
        if (data.length != height * width * channels) {
            throw new DatasetException(ref + " has " + data.length + " image bytes but its shape " + height + "x"
                    + width + "x" + channels + " needs " + height * width * channels);
        }
        if (layout == Layout.RAW) {
            return new PixelImage(height, width, channels, data);
        }
        if (row.isNullAt(7) || !EIGHT_BIT_MODES.contains(row.getInt(7))) {
            throw new DatasetException(ref + " has OpenCV mode " + row.get(7)
                    + "; only 8-bit images (CV_8UC1, CV_8UC3, CV_8UC4) are supported");
        }
        return PixelImage.fromBgr(height, width, channels, data);
    }

    private static byte[] encodedBytes(Row row) {
        byte[] data = requireBytes(row);
        if (!ImageCodec.looksEncoded(data)) {
            throw new DatasetException(row.getString(0) + ": the image bytes are neither PNG nor JPEG; for raw pixels"
                    + " give --shape HxWxC or height, width and channels columns");
        }
        return data;
    }

    private static byte[] requireBytes(Row row) {
        if (row.isNullAt(3)) {
            throw new DatasetException(row.getString(0) + " has no image bytes (null)");
        }
        return row.getAs(3);
    }
}
