package io.sparkgan.data;

import io.sparkgan.data.ImageFolderListing.ImageFile;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * {@code --from image-folder}: PNG/JPEG files, labelled by class sub-folder (see {@link ImageFolderListing}).
 *
 * <p>The driver lists the files; Spark tasks over that list open them through the Hadoop FileSystem API and
 * decode them, so executors share the decoding and a folder on HDFS or S3 works. A first, cheap job reads only
 * the image headers, so that unreadable files, mixed sizes and the default channel count are settled before
 * anything is decoded or written. (Parallelizing the listing rather than scanning with Spark's binaryFile
 * source keeps the ids in listing order and reads no file twice in full.)
 */
final class ImageFolderSource implements ImageSource {

    private final String input;

    ImageFolderSource(String input) {
        this.input = input;
    }

    @Override
    public PreparedImages prepare(SparkSession spark, PrepOptions options) {
        ImageFolderListing listing =
                ImageFolderListing.list(spark.sparkContext().hadoopConfiguration(), input, options);
        SerializableConfiguration conf =
                new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
        JavaRDD<ImageFile> files = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(
                        listing.files(),
                        ImageSource.partitionsFor(listing.files().size()));

        long maxPixels = options.maxPixels();
        List<ObservedShape> perPartition = files.mapPartitions(partition -> {
                    List<ObservedShape> shapes = new ArrayList<>();
                    partition.forEachRemaining(file -> {
                        ImageCodec.Header header =
                                open(conf, file, (in, what) -> ImageCodec.readHeader(in, what, maxPixels));
                        shapes.add(new ObservedShape(header.height(), header.width(), header.gray(), file.path()));
                    });
                    return ObservedShape.distinct(shapes.iterator()).iterator();
                })
                .collect();
        ImageShape target = options.targetShape(ObservedShape.distinct(perPartition.iterator()));

        JavaRDD<Row> rows = files.map(file -> DatasetSchema.row(
                file.id(),
                file.label(),
                open(conf, file, (in, what) -> ImageCodec.decode(in, what, maxPixels))
                        .conformTo(target)));
        return new PreparedImages(
                spark.createDataFrame(rows, DatasetSchema.SCHEMA),
                listing.labelNames(),
                "image-folder " + listing.root());
    }

    /** Applies {@code reader} to the file's contents; the reader gets the path to name in its errors. */
    private static <T> T open(
            SerializableConfiguration conf, ImageFile file, BiFunction<InputStream, String, T> reader) {
        Path path = new Path(file.path());
        try (InputStream in =
                new BufferedInputStream(path.getFileSystem(conf.value()).open(path))) {
            return reader.apply(in, file.path());
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file.path() + ": " + e, e);
        }
    }
}
