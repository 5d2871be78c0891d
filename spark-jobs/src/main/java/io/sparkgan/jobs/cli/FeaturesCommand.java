package io.sparkgan.jobs.cli;

import io.sparkgan.data.DatasetReader;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.data.ImageShape;
import io.sparkgan.data.OutputFile;
import io.sparkgan.data.SparkOptions;
import io.sparkgan.data.SparkSessions;
import io.sparkgan.data.export.NumpyArray;
import io.sparkgan.jobs.eval.EvaluatorFeatures;
import io.sparkgan.jobs.eval.EvaluatorStore;
import io.sparkgan.model.ImageTensors;
import io.sparkgan.model.metrics.EvaluatorNetwork;
import io.sparkgan.model.metrics.FeatureSet;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sparkgan features}: the evaluator's features (those FID, precision and recall are computed from) of every
 * image of a dataset, and of given images, as numpy arrays: nearest neighbours in the space the evaluation uses,
 * for the notebooks' memorisation check.
 */
@Command(
        name = "features",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Writes the evaluator's features of a dataset's images, and of given images, as a numpy .npz archive.",
            "",
            "The features are those of evaluations (FID, precision, recall): the evaluator's penultimate layer. The"
                    + " archive holds ids (int64) and features (float32, N x " + EvaluatorNetwork.FEATURES + ") of"
                    + " every image of --data in id order, computed by Spark tasks, and with --images (a .npy of"
                    + " uint8 N x H x W x C, such as 'sparkgan sample' writes) imageFeatures of those, computed on"
                    + " the driver. The whole dataset's features reach the driver: about "
                    + EvaluatorNetwork.FEATURES * 4 * 1000 / 1_000_000.0 + " MB per 1000 images. With --images-only,"
                    + " the archive holds imageFeatures alone and the dataset's images are not read (for a caller"
                    + " that keeps the dataset's features, as the notebooks do).",
            "",
            "Exit codes: 0 done, 2 bad options or input."
        })
public final class FeaturesCommand implements Callable<Integer> {

    @Mixin
    SparkOptions sparkOptions;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "URI",
            description = "the dataset whose images' features are written")
    String data;

    @Option(names = "--evaluator", paramLabel = "URI", description = "evaluator (default: <data>/_evaluator)")
    String evaluator;

    @Option(names = "--images", paramLabel = "FILE", description = "more images (.npy, uint8 N x H x W x C)")
    String images;

    @Option(
            names = "--images-only",
            description = "with --images: only their features; --data names the evaluator and is not read")
    boolean imagesOnly;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "the .npz file to write")
    String output;

    @Option(names = "--overwrite", description = "replace an existing --output")
    boolean overwrite;

    @Override
    public Integer call() {
        try {
            if (!output.endsWith(".npz")) {
                throw new IllegalArgumentException("--output must name a .npz file, got " + output);
            }
            if (imagesOnly && images == null) {
                throw new IllegalArgumentException("--images-only needs --images");
            }
            Configuration conf = SparkSessions.hadoopConfiguration(sparkOptions);
            Path target = new Path(output);
            FileSystem fs = target.getFileSystem(conf);
            OutputFile.refuseExisting(fs, target, output, overwrite);
            String location = evaluator != null ? evaluator : EvaluatorStore.defaultLocation(data);
            EvaluatorStore store = new EvaluatorStore(location, conf);
            if (!store.exists()) {
                throw new IllegalArgumentException("no evaluator in " + location + ": train one with 'sparkgan "
                        + "train-evaluator --data " + data + " --test-data <test split>'");
            }
            // the given images are checked before the dataset's features, the long part, are computed
            NumpyArray given = images == null ? null : readImages(conf);
            SparkSession spark = SparkSessions.getOrCreate("sparkgan features", sparkOptions);
            ImageDataset dataset = DatasetReader.read(spark, data);
            store.requireShape(dataset.manifest());
            ImageShape shape = dataset.manifest().shape();
            if (given != null
                    && !Arrays.equals(
                            Arrays.copyOfRange(given.shape(), 1, 4),
                            new long[] {shape.height(), shape.width(), shape.channels()})) {
                throw new IllegalArgumentException("--images " + images + " are " + Arrays.toString(given.shape())
                        + "; the evaluator of " + data + " takes N x " + shape.height() + " x " + shape.width()
                        + " x " + shape.channels());
            }
            MultiLayerNetwork network = store.loadNetwork();
            Map<String, NumpyArray> arrays = new LinkedHashMap<>();
            int count = 0;
            if (!imagesOnly) {
                FeatureSet features = EvaluatorFeatures.extract(dataset, network);
                // extract orders the features by id: the ids in the same order name them
                List<Row> ids = dataset.rows()
                        .select(DatasetSchema.ID)
                        .orderBy(DatasetSchema.ID)
                        .collectAsList();
                count = ids.size();
                arrays.put(
                        "ids",
                        NumpyArray.int64(
                                ids.stream().mapToLong(r -> r.getLong(0)).toArray(), ids.size()));
                arrays.put("features", matrix(features));
            }
            if (given != null) {
                int n = Math.toIntExact(given.shape()[0]);
                arrays.put(
                        "imageFeatures",
                        matrix(EvaluatorNetwork.evaluate(
                                network,
                                ImageTensors.batch(
                                        given.data(),
                                        java.util.stream.IntStream.range(0, n).toArray(),
                                        shape.height(),
                                        shape.width(),
                                        shape.channels()))));
            }
            OutputFile.write(fs, target, out -> NumpyArray.writeArchive(out, arrays));
            String what = imagesOnly
                    ? given.shape()[0] + " images of " + images
                    : count + " images of " + data
                            + (given == null ? "" : " and " + given.shape()[0] + " of " + images);
            System.out.printf("features of %s written to %s%n", what, output);
            return 0;
        } catch (Exception e) {
            return CommandErrors.report(e, sparkOptions.verbose);
        }
    }

    private NumpyArray readImages(Configuration conf) throws java.io.IOException {
        Path path = new Path(images);
        FileSystem fs = path.getFileSystem(conf);
        NumpyArray array;
        try (InputStream in = fs.open(path)) {
            array = NumpyArray.read(in, images, fs.getFileStatus(path).getLen());
        }
        if (!array.dtype().equals("|u1") || array.shape().length != 4 || array.shape()[0] < 1) {
            throw new IllegalArgumentException("--images " + images + " is " + array.dtype() + " "
                    + Arrays.toString(array.shape()) + "; expected uint8 (|u1) N x H x W x C");
        }
        return array;
    }

    private static NumpyArray matrix(FeatureSet set) {
        double[][] rows = set.features();
        int columns = rows.length == 0 ? EvaluatorNetwork.FEATURES : rows[0].length;
        float[] values = new float[rows.length * columns];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < columns; j++) {
                values[i * columns + j] = (float) rows[i][j];
            }
        }
        return NumpyArray.float32(values, rows.length, columns);
    }
}
