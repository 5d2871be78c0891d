package io.sparkgan.jobs.superres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetReader;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.DatasetWriter;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.data.ImageShape;
import io.sparkgan.jobs.eval.EvaluatorStore;
import io.sparkgan.jobs.eval.NetworkBroadcast;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.MetricsLog;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.spark.IdBlockBatches;
import io.sparkgan.jobs.spark.RowImages;
import io.sparkgan.jobs.train.GanCheckpoints;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.metrics.FeatureStatistics;
import io.sparkgan.model.metrics.FrechetDistance;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.sampling.SampleGrid;
import io.sparkgan.model.state.GanCheckpoint;
import io.sparkgan.model.superres.BicubicResize;
import io.sparkgan.model.superres.ComparisonRows;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code sparkgan upscale}: a dataset upscaled by a super-resolution run's G on the executors, written as a dataset
 * in the project format (each row keeps its input's id and label) whose manifest names the run, checkpoint and
 * scale. G is fully convolutional, so images of any size are upscaled as they are (no padding, no divisibility).
 *
 * <p>With {@code evaluate}, the dataset holds originals: each image is downscaled first ({@code BicubicResize}, as
 * in training), and the output also gets {@code upscaling.json}: the mean PSNR and SSIM of G's and of bicubic
 * upscaling against the originals, their detail energy over the originals' ({@code DetailEnergy}), and with an
 * evaluator the FID of each against the originals in its features and in its texture features
 * ({@code TextureFeatures});
 * and {@code comparison.png}, images spread over the dataset side by side.
 */
public final class Upscaling {

    /** The evaluation written next to the upscaled dataset. */
    public static final String EVALUATION = "upscaling.json";
    /** With the evaluation: images spread over the dataset by id, low-res | bicubic | G | original (ComparisonRows). */
    public static final String COMPARISON = "comparison.png";
    /** In the run directory: one line per evaluated upscale (its output and figures), shown by the run report. */
    public static final String EVALUATIONS_LOG = "superres/upscalings.jsonl";

    private static final int COMPARED = 8;

    private static final StructType EVALUATED = DatasetSchema.SCHEMA
            .add("psnr", DataTypes.DoubleType)
            .add("ssim", DataTypes.DoubleType)
            .add("bicubicPsnr", DataTypes.DoubleType)
            .add("bicubicSsim", DataTypes.DoubleType)
            .add("detail", DataTypes.DoubleType)
            .add("bicubicDetail", DataTypes.DoubleType)
            .add("originalDetail", DataTypes.DoubleType)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType))
            .add("bicubicFeatures", DataTypes.createArrayType(DataTypes.FloatType))
            .add("originalFeatures", DataTypes.createArrayType(DataTypes.FloatType))
            .add("texture", DataTypes.createArrayType(DataTypes.FloatType))
            .add("bicubicTexture", DataTypes.createArrayType(DataTypes.FloatType))
            .add("originalTexture", DataTypes.createArrayType(DataTypes.FloatType));

    /** What a finished upscale reports; {@code evaluation} is null unless asked for. */
    public record Summary(long images, long checkpoint, int scale, double seconds, ObjectNode evaluation) {}

    private final SparkSession spark;
    private final String runDir;

    public Upscaling(SparkSession spark, String runDir) {
        this.spark = spark;
        this.runDir = runDir;
    }

    /** @param dropEvaluator with overwrite: delete a trained evaluator the old output holds */
    public Summary upscale(
            String data,
            String output,
            boolean overwrite,
            boolean dropEvaluator,
            String checkpoint,
            boolean evaluate,
            String evaluatorUri,
            Integer partitions)
            throws IOException {
        var hadoop = spark.sparkContext().hadoopConfiguration();
        TrainConfig run = TrainConfig.storedIn(new RunDirectory(runDir, hadoop));
        if (run.model.architecture.generative()) {
            throw new IllegalArgumentException(
                    "sparkgan upscale: " + runDir + " is a GAN run, not a super-resolution run (train --model srgan)");
        }
        ImageDataset dataset = DatasetReader.read(spark, data);
        ImageShape shape = dataset.manifest().shape();
        GanModelConfig model = run.model;
        int scale = model.superResolution.scale;
        if (shape.channels() != model.channels) {
            throw new IllegalArgumentException("dataset " + data + " holds " + shape + " images but run " + runDir
                    + " upscales " + model.channels + "-channel images");
        }
        if (evaluate && (shape.height() % scale != 0 || shape.width() % scale != 0)) {
            throw new IllegalArgumentException("--evaluate downscales the images of dataset " + data + " by " + scale
                    + " first, but their shape " + shape + " is not divisible by it");
        }
        DatasetWriter writer = new DatasetWriter(spark, output, null, overwrite, dropEvaluator);
        EvaluatorStore evaluator = evaluate ? evaluator(evaluatorUri, run.data, dataset.manifest()) : null;
        CheckpointStore<GanCheckpoint> checkpoints =
                GanCheckpoints.store(new RunStorage(runDir, hadoop), run.keepCheckpoints);
        long step = checkpoints.resolve(checkpoint == null ? "latest" : checkpoint, runDir);
        GanCheckpoint loaded = checkpoints.load(step);

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        NetworkBroadcast generator = new NetworkBroadcast(jsc, loaded.samplingGenerator());
        NetworkBroadcast features =
                evaluator == null ? null : new NetworkBroadcast(jsc, Network.of(evaluator.loadNetwork()));
        long start = System.nanoTime();
        JavaRDD<Row> rows = IdBlockBatches.map(
                dataset, partitions, UpscalePass.factory(generator, features, shape, scale, evaluate));
        Dataset<Row> upscaled = spark.createDataFrame(rows, evaluate ? EVALUATED : DatasetSchema.SCHEMA);
        if (evaluate) {
            // written and measured from one computation of G
            upscaled = upscaled.persist(StorageLevel.MEMORY_AND_DISK());
        }
        try {
            // measured (and its pictures made) before the dataset is written, and both moved into place together:
            // an evaluation that fails leaves no output that looks complete
            ObjectNode evaluation = evaluate ? evaluation(upscaled, evaluator, step, scale, data) : null;
            byte[] comparison = evaluate ? comparison(dataset, loaded.samplingGenerator(), scale) : null;
            DatasetManifest manifest = writer.write(
                    upscaled.select(DatasetSchema.SCHEMA.fieldNames()[0], tail(DatasetSchema.SCHEMA.fieldNames())),
                    dataset.manifest().labelNames(),
                    "dataset " + data + (evaluate ? " downscaled by " + scale + " and" : "") + " upscaled by " + scale
                            + " by " + runDir + " checkpoint " + step,
                    provenance(loaded, step, scale, evaluate, data),
                    (directory, written) -> {
                        if (evaluation != null) {
                            write(directory, COMPARISON, comparison);
                            write(
                                    directory,
                                    EVALUATION,
                                    Json.MAPPER
                                            .writerWithDefaultPrettyPrinter()
                                            .writeValueAsString(evaluation)
                                            .getBytes(StandardCharsets.UTF_8));
                        }
                    });
            double seconds = (System.nanoTime() - start) / 1e9;
            if (evaluation != null) {
                ObjectNode record = evaluation.deepCopy();
                record.put("time", java.time.Instant.now().toString());
                record.put("output", output);
                MetricsLog.record(new RunStorage(runDir, hadoop), EVALUATIONS_LOG, record);
            }
            return new Summary(manifest.count(), step, scale, seconds, evaluation);
        } finally {
            upscaled.unpersist(false);
            generator.destroy();
            if (features != null) {
                features.destroy();
            }
        }
    }

    private static String[] tail(String[] names) {
        String[] rest = new String[names.length - 1];
        System.arraycopy(names, 1, rest, 0, rest.length);
        return rest;
    }

    /** The evaluator for FID (--evaluator, else the run's training data's), or null when there is none. */
    private EvaluatorStore evaluator(String uri, String trainingData, DatasetManifest manifest) throws IOException {
        String location = uri != null ? uri : EvaluatorStore.defaultLocation(trainingData);
        EvaluatorStore store = new EvaluatorStore(location, spark.sparkContext().hadoopConfiguration());
        if (!store.exists()) {
            if (uri != null) {
                throw new IllegalArgumentException("--evaluator: no evaluator in " + uri);
            }
            return null;
        }
        store.requireShape(manifest);
        return store;
    }

    private static Map<String, String> provenance(
            GanCheckpoint loaded, long step, int scale, boolean evaluate, String data) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("generatedBy", "sparkgan upscale");
        p.put("input", data);
        p.put("run", loaded.trainingState().path("runId").asText(""));
        p.put("checkpoint", Long.toString(step));
        p.put("kimg", loaded.trainingState().path("kimg").asText(""));
        p.put("scale", Integer.toString(scale));
        p.put("ema", Boolean.toString(loaded.averagedGenerator() != null));
        p.put("inputDownscaledFirst", Boolean.toString(evaluate));
        return p;
    }

    /** Means of the per-image metrics, and FIDs when the rows carry features. */
    private static ObjectNode evaluation(Dataset<Row> rows, EvaluatorStore evaluator, long step, int scale, String data)
            throws IOException {
        List<Row> measured = rows.select(
                        "psnr",
                        "ssim",
                        "bicubicPsnr",
                        "bicubicSsim",
                        "detail",
                        "bicubicDetail",
                        "originalDetail",
                        "features",
                        "bicubicFeatures",
                        "originalFeatures",
                        "texture",
                        "bicubicTexture",
                        "originalTexture")
                .collectAsList();
        double[] sums = new double[7];
        // per image: the evaluator's features, then the texture features, of G's, bicubic and the original
        List<List<double[]>> features = new ArrayList<>();
        for (int set = 0; set < 6; set++) {
            features.add(new ArrayList<>());
        }
        for (Row r : measured) {
            for (int i = 0; i < sums.length; i++) {
                sums[i] += r.getDouble(i);
            }
            for (int set = 0; set < 6 && !r.isNullAt(7); set++) {
                features.get(set).add(doubles(r.getList(7 + set)));
            }
        }
        int n = measured.size();
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("data", data);
        out.put("checkpoint", step);
        out.put("scale", scale);
        out.put("images", n);
        out.put("metricsOn", "luma (BT.601) in [0, 1], " + scale + " border pixels shaved");
        ObjectNode model = out.putObject("upscaler");
        ObjectNode baseline = out.putObject("bicubic");
        model.put("psnr", sums[0] / n);
        model.put("ssim", sums[1] / n);
        baseline.put("psnr", sums[2] / n);
        baseline.put("ssim", sums[3] / n);
        // of the originals' detail energy: 1 restores as much fine detail as the originals have
        model.put("detail", sums[4] / sums[6]);
        baseline.put("detail", sums[5] / sums[6]);
        if (evaluator != null) {
            for (String metric : List.of("fid", "textureFid")) {
                int first = metric.equals("fid") ? 0 : 3;
                FeatureStatistics real = statistics(features.get(first + 2));
                model.put(metric, FrechetDistance.between(statistics(features.get(first)), real));
                baseline.put(metric, FrechetDistance.between(statistics(features.get(first + 1)), real));
            }
            out.put("evaluator", evaluator.id());
        }
        return out;
    }

    private static FeatureStatistics statistics(List<double[]> features) {
        return FeatureStatistics.of(features.toArray(double[][]::new));
    }

    private static double[] doubles(List<Float> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** Images spread over the dataset by id: low-res | bicubic | G | original. */
    private static byte[] comparison(ImageDataset dataset, Network g, int scale) {
        INDArray originals = RowImages.spreadById(dataset, COMPARED);
        INDArray lowRes = BicubicResize.downscale(originals, scale);
        return SampleGrid.png(
                ComparisonRows.enlarged(ComparisonRows.of(lowRes, scale, g.output(lowRes), originals)),
                (int) originals.size(0));
    }

    /** A file in the dataset's temporary directory, which is moved into place whole. */
    private void write(Path directory, String name, byte[] bytes) throws IOException {
        Path path = new Path(directory, name);
        try (FSDataOutputStream out =
                path.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(path, false)) {
            out.write(bytes);
        }
    }
}
