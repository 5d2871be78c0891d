package io.sparkgan.jobs.anomaly;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetReader;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.data.OutputDirectory;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.MetricsLog;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.spark.Broadcasts;
import io.sparkgan.jobs.train.GanCheckpoints;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.anomaly.EncoderConfig;
import io.sparkgan.model.metrics.Roc;
import io.sparkgan.model.sampling.SampleGrid;
import io.sparkgan.model.state.GanCheckpoint;
import io.sparkgan.model.state.NetworkState;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code sparkgan score}: anomaly scores of every image of a dataset against a GAN run trained on normal data,
 * computed on the executors in batches. Writes, into a directory committed atomically:
 *
 * <ul>
 *   <li>{@code scores/}: Parquet rows (id, label, score, imageResidual, featureResidual);
 *   <li>{@code scores.json}: the run, checkpoints, method and parameters, and, when classes say which images
 *       are anomalous, AUROC, average precision and the threshold at the given false-positive rate on the normal
 *       images;
 *   <li>{@code roc.json} and {@code roc.png} (the curve), {@code scores.png} (the distribution of the scores, normal
 *       and anomalous images apart) and {@code extremes.png}: the highest-scoring images over their
 *       reconstructions, then the lowest-scoring ones.
 * </ul>
 *
 * The run directory's {@code anomaly/scorings.jsonl} gets a line per scoring (its output and figures), from which
 * the run report shows them.
 *
 * A score depends only on its image (batches do not mix: no batch norm runs in batch mode, latent optimisation is
 * per image), so the scores are the same whatever the partitioning, and the same command gives the same scores.
 */
public final class AnomalyScoring {

    public static final String MANIFEST = "scores.json";
    public static final String DISTRIBUTION = "scores.png";
    public static final String ROC = "roc.png";
    public static final String EXTREMES_GRID = "extremes.png";
    /** In the run directory: one line per scoring. */
    public static final String SCORINGS_LOG = "anomaly/scorings.jsonl";

    private static final int EXTREMES = 8;
    static final StructType SCHEMA = new StructType()
            .add(DatasetSchema.ID, DataTypes.LongType, false)
            .add(DatasetSchema.LABEL, DataTypes.IntegerType, true)
            .add("score", DataTypes.DoubleType, false)
            .add("imageResidual", DataTypes.DoubleType, false)
            .add("featureResidual", DataTypes.DoubleType, false);

    /** What a scoring reports; {@code roc} null without classes. */
    public record Summary(long images, String output, Roc roc, Roc.Point threshold) {}

    private final SparkSession spark;
    private final String runDir;

    public AnomalyScoring(SparkSession spark, String runDir) {
        this.spark = spark;
        this.runDir = runDir;
    }

    /**
     * @param anomalous classes whose images are anomalous (null: no ROC)
     * @param falsePositiveRate the rate on normal images at which the reported threshold is chosen
     * @param partitions scoring tasks (null: as many as the dataset has)
     * @param limit score only the first images by id (null: all)
     */
    public Summary score(
            String data,
            String output,
            boolean overwrite,
            String method,
            String checkpoint,
            int iterations,
            double lambda,
            double lr,
            Set<Integer> anomalous,
            double falsePositiveRate,
            Integer partitions,
            Integer limit)
            throws IOException {
        var hadoop = spark.sparkContext().hadoopConfiguration();
        RunDirectory run = new RunDirectory(runDir, hadoop);
        RunStorage storage = run.storage();
        TrainConfig gan = TrainConfig.storedGanIn(run, "sparkgan score");
        EncoderTraining.Loaded encoder = EncoderTraining.latest(storage);
        if (encoder == null && method.equals("encoder")) {
            throw new IllegalArgumentException("--method encoder: run " + runDir + " has no encoder yet; train one"
                    + " with 'sparkgan train-encoder --run-dir " + runDir + "' (or score with --method latent)");
        }
        ScoreSettings settings = new ScoreSettings(
                method,
                encoder != null ? encoder.config().kappa : 1.0,
                iterations,
                lambda,
                lr,
                encoder != null,
                gan.seed);
        settings.validate();
        CheckpointStore<GanCheckpoint> checkpoints = GanCheckpoints.store(storage, gan.keepCheckpoints);
        long ganStep = encoder != null && checkpoint == null
                ? encoder.ganCheckpoint()
                : checkpoints.resolve(checkpoint, runDir);
        if (settings.encoderMethod() && ganStep != encoder.ganCheckpoint()) {
            throw new IllegalArgumentException("--checkpoint " + checkpoint + ": the encoder of " + runDir
                    + " was trained for checkpoint " + encoder.ganCheckpoint());
        }
        boolean useEncoder = encoder != null && ganStep == encoder.ganCheckpoint();
        settings = new ScoreSettings(method, settings.kappa(), iterations, lambda, lr, useEncoder, gan.seed);
        GanCheckpoint loaded = checkpoints.load(ganStep);
        GanModelConfig model = loaded.config();
        ImageDataset dataset = DatasetReader.read(spark, data);
        if (limit != null) {
            // the first images by id: a subset for the slow latent search
            dataset = new ImageDataset(
                    dataset.uri(),
                    dataset.manifest(),
                    dataset.rows().orderBy(DatasetSchema.ID).limit(limit));
        }
        DatasetManifest manifest = dataset.manifest();
        if (manifest.height() != model.height
                || manifest.width() != model.width
                || manifest.channels() != model.channels) {
            throw new IllegalArgumentException("dataset " + data + " holds " + manifest.shape() + " images but run "
                    + runDir + " was trained on " + model.height + "x" + model.width + "x" + model.channels);
        }
        if (anomalous != null && !manifest.labelled()) {
            throw new IllegalArgumentException("--anomalous-classes/--normal-classes: dataset " + data
                    + " has no labels, so which images are anomalous is unknown");
        }
        OutputDirectory out = new OutputDirectory(hadoop, output, overwrite, MANIFEST, "sparkgan anomaly scores");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        FrozenGanBroadcast frozen = new FrozenGanBroadcast(jsc, storage.root() + "@" + ganStep, loaded);
        Broadcast<byte[]> encoderState = useEncoder
                ? jsc.broadcast(NetworkState.capture(encoder.network()).toBytes())
                : null;
        String encoderJson = Json.MAPPER.writeValueAsString(useEncoder ? encoder.config() : new EncoderConfig());
        Path temp = out.temporary();
        try {
            JavaRDD<Row> rows = ScoringPass.scores(dataset, frozen, encoderState, encoderJson, settings, partitions);
            spark.createDataFrame(rows, SCHEMA).write().parquet(new Path(temp, "scores").toString());
            List<Row> written = spark.read()
                    .parquet(new Path(temp, "scores").toString())
                    .orderBy(DatasetSchema.ID)
                    .collectAsList();
            ObjectNode summary = Json.MAPPER.createObjectNode();
            summary.put("run", storage.root().toString());
            summary.put("runId", run.storedRunId());
            summary.put("ganCheckpoint", ganStep);
            if (useEncoder) {
                summary.put("encoderCheckpoint", encoder.step());
            }
            // qualified: a plain path read back under another fs.defaultFS (a notebook's) must name the same data
            Path dataPath = new Path(data);
            summary.put(
                    "data",
                    dataPath.getFileSystem(hadoop).makeQualified(dataPath).toString());
            summary.put("images", written.size());
            if (limit != null) {
                summary.put("limit", limit);
            }
            summary.set("settings", Json.MAPPER.valueToTree(settings));
            Roc roc = null;
            Roc.Point threshold = null;
            FileSystem fs = out.fileSystem();
            double[] scores = new double[written.size()];
            boolean[] positive = anomalous == null ? null : new boolean[written.size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = written.get(i).getDouble(2);
                if (positive != null) {
                    positive[i] = anomalous.contains(written.get(i).getInt(1));
                }
            }
            write(
                    fs,
                    new Path(temp, DISTRIBUTION),
                    ScoreHistogram.png(scores, positive, "Anomaly scores (" + method + ")"));
            if (anomalous != null) {
                roc = Roc.of(scores, positive);
                threshold = roc.thresholdAt(falsePositiveRate);
                summary.set("anomalousClasses", Json.MAPPER.valueToTree(anomalous));
                summary.put("auroc", roc.auroc());
                summary.put("averagePrecision", roc.averagePrecision());
                summary.put("falsePositiveRate", falsePositiveRate);
                summary.put("threshold", threshold.threshold());
                summary.put("truePositiveRateAtThreshold", threshold.truePositiveRate());
                write(fs, new Path(temp, "roc.json"), Json.MAPPER.writeValueAsBytes(rocJson(roc)));
                write(
                        fs,
                        new Path(temp, ROC),
                        RocChart.png(roc, "ROC of " + method + " scores, AUROC " + String.format("%.3f", roc.auroc())));
            }
            if (model.architecture.convolutional()) {
                write(
                        fs,
                        new Path(temp, EXTREMES_GRID),
                        extremes(dataset, written, frozen, encoderState, encoderJson, settings, model));
            }
            // written last: what makes the directory a complete output
            write(
                    fs,
                    new Path(temp, MANIFEST),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(summary));
            out.commit(temp);
            ObjectNode record = summary.deepCopy();
            record.put("time", java.time.Instant.now().toString());
            record.put("output", out.target().toString());
            record.put("method", method);
            MetricsLog.record(storage, SCORINGS_LOG, record);
            return new Summary(written.size(), out.target().toString(), roc, threshold);
        } catch (IOException | RuntimeException e) {
            out.discard(temp);
            throw e;
        } finally {
            frozen.destroy();
            if (encoderState != null) {
                Broadcasts.destroy(encoderState);
            }
        }
    }

    /** The highest-scoring images over their reconstructions, then the lowest-scoring ones over theirs. */
    private byte[] extremes(
            ImageDataset dataset,
            List<Row> written,
            FrozenGanBroadcast frozen,
            Broadcast<byte[]> encoderState,
            String encoderJson,
            ScoreSettings settings,
            GanModelConfig model)
            throws IOException {
        List<Row> byScore = new ArrayList<>(written);
        byScore.sort(Comparator.comparingDouble((Row r) -> -r.getDouble(2)).thenComparingLong(r -> r.getLong(0)));
        int k = Math.min(EXTREMES, byScore.size());
        List<Long> ids = new ArrayList<>();
        byScore.subList(0, k).forEach(r -> ids.add(r.getLong(0)));
        byScore.subList(byScore.size() - k, byScore.size()).forEach(r -> ids.add(r.getLong(0)));
        List<Row> rows = new ArrayList<>(dataset.rows()
                .select(DatasetSchema.ID, DatasetSchema.LABEL, DatasetSchema.IMAGE)
                .filter(org.apache.spark.sql.functions.col(DatasetSchema.ID).isin(ids.toArray()))
                .collectAsList());
        rows.sort(Comparator.comparingInt(r -> ids.indexOf(r.getLong(0))));
        INDArray images = ScoringPass.images(rows, model.height, model.width, model.channels);
        long[] idArray = rows.stream().mapToLong(r -> r.getLong(0)).toArray();
        INDArray reconstructions =
                new ScoringPass.Scorer(frozen, encoderState, encoderJson, settings).reconstructions(images, idArray);
        List<INDArray> grid = new ArrayList<>();
        for (int half = 0; half < 2; half++) {
            int from = half * k;
            for (INDArray source : new INDArray[] {images, reconstructions}) {
                grid.add(source.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, from + k)));
            }
        }
        return SampleGrid.png(Nd4j.concat(0, grid.toArray(INDArray[]::new)), k);
    }

    private static ObjectNode rocJson(Roc roc) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("auroc", roc.auroc());
        json.put("averagePrecision", roc.averagePrecision());
        ArrayNode points = json.putArray("points");
        for (Roc.Point p : roc.curve()) {
            points.addObject()
                    .put("threshold", Double.isInfinite(p.threshold()) ? null : p.threshold())
                    .put("falsePositiveRate", p.falsePositiveRate())
                    .put("truePositiveRate", p.truePositiveRate());
        }
        return json;
    }

    private static void write(FileSystem fs, Path path, byte[] bytes) throws IOException {
        try (OutputStream out = fs.create(path, false)) {
            out.write(bytes);
        }
    }
}
