package io.sparkgan.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code --from mnist-idx}: an IDX images file and its labels file (MNIST, Fashion-MNIST, EMNIST).
 *
 * <p>The files are read and checked on the driver: IDX files are small (MNIST's training images are 47 MB),
 * and a gzipped file cannot be split between tasks anyway. Spark tasks then convert the records and write them.
 */
final class MnistIdxSource implements ImageSource {

    private static final String IMAGES_SUFFIX = "-images-idx3-ubyte";
    private static final String LABELS_SUFFIX = "-labels-idx1-ubyte";

    /** Which files a folder input means: MNIST names its test split "t10k". */
    enum Split {
        TRAIN("train"),
        TEST("t10k");

        private final String filePrefix;

        Split(String filePrefix) {
            this.filePrefix = filePrefix;
        }
    }

    /** One image with its label, as shipped to the tasks. */
    private record Record(long id, int label, byte[] pixels) implements Serializable {}

    private final String input;
    private final Split split;

    /**
     * @param input the images file, or a folder holding {@code <split>-images-idx3-ubyte[.gz]} and its labels
     * @param split which files to take from a folder
     */
    MnistIdxSource(String input, Split split) {
        this.input = input;
        this.split = split;
    }

    @Override
    public PreparedImages prepare(SparkSession spark, PrepOptions options) {
        FileSystem fs;
        Path images;
        Path labels;
        try {
            Path inputPath = new Path(input);
            fs = inputPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
            images = fs.makeQualified(locateImages(fs, inputPath));
            labels = fs.makeQualified(labelsFor(fs, images));
        } catch (IOException e) {
            throw new DatasetException("cannot read " + input + ": " + e, e);
        }

        IdxFile imageFile = IdxFile.open(fs, images, IdxFile.IMAGES_MAGIC);
        IdxFile labelFile = IdxFile.open(fs, labels, IdxFile.LABELS_MAGIC);
        if (imageFile.dims().length != 3 || labelFile.dims().length != 1) {
            throw new DatasetException("expected 3 dimensions in " + images + " and 1 in " + labels + ", found "
                    + imageFile.dims().length + " and " + labelFile.dims().length);
        }
        if (imageFile.count() != labelFile.count()) {
            throw new DatasetException("image and label counts differ: " + images + " holds " + imageFile.count()
                    + " images but " + labels + " holds " + labelFile.count() + " labels");
        }
        if (imageFile.count() == 0) {
            throw new DatasetException(images + " holds no images");
        }
        int keep = (int) options.keep(imageFile.count());
        byte[] pixels = imageFile.readRecords(keep);
        byte[] labelBytes = labelFile.readRecords(keep);

        int height = imageFile.dims()[1];
        int width = imageFile.dims()[2];
        int size = height * width;
        List<Record> records = new ArrayList<>(keep);
        for (int i = 0; i < keep; i++) {
            records.add(new Record(i, labelBytes[i] & 0xff, Arrays.copyOfRange(pixels, i * size, (i + 1) * size)));
        }
        ImageShape target = options.targetShape(List.of(new ObservedShape(height, width, true, images.toString())));
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(records, ImageSource.partitionsFor(keep))
                .map(r -> DatasetSchema.row(
                        r.id(), r.label(), new PixelImage(height, width, 1, r.pixels()).conformTo(target)));

        // Digits 0..9 for MNIST and Fashion-MNIST; datasets with more classes (EMNIST) get names up to their largest.
        int maxLabel =
                Math.max(9, records.stream().mapToInt(Record::label).max().orElse(0));
        List<String> labelNames =
                IntStream.rangeClosed(0, maxLabel).mapToObj(String::valueOf).toList();
        return new PreparedImages(
                spark.createDataFrame(rows, DatasetSchema.SCHEMA), labelNames, "mnist-idx " + images + " + " + labels);
    }

    private Path locateImages(FileSystem fs, Path inputPath) throws IOException {
        if (!fs.exists(inputPath)) {
            throw new DatasetException("input " + input + " does not exist");
        }
        if (fs.isFile(inputPath)) {
            return inputPath;
        }
        String name = split.filePrefix + IMAGES_SUFFIX;
        return firstExisting(
                fs,
                List.of(new Path(inputPath, name), new Path(inputPath, name + ".gz")),
                "no " + split.name().toLowerCase() + " images in folder " + input);
    }

    /** The labels file next to the images file: the standard name with "labels-idx1" for "images-idx3". */
    private static Path labelsFor(FileSystem fs, Path images) throws IOException {
        String name = images.getName();
        int at = name.indexOf(IMAGES_SUFFIX);
        if (at < 0) {
            throw new DatasetException("cannot find the labels file for " + images
                    + ": the images file name should contain " + IMAGES_SUFFIX
                    + " (the labels file is then found by the name with " + LABELS_SUFFIX + ")");
        }
        String base = name.substring(0, at) + LABELS_SUFFIX;
        return firstExisting(
                fs,
                List.of(new Path(images.getParent(), base + ".gz"), new Path(images.getParent(), base)),
                "no labels file for " + images);
    }

    private static Path firstExisting(FileSystem fs, List<Path> candidates, String problem) throws IOException {
        for (Path candidate : candidates) {
            if (fs.exists(candidate)) {
                return candidate;
            }
        }
        throw new DatasetException(problem + ": looked for " + candidates);
    }
}
