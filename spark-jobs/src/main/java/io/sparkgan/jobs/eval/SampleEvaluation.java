package io.sparkgan.jobs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetReader;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.data.progress.SparkJobProgress;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.metrics.FeatureSet;
import io.sparkgan.model.metrics.MetricSuite;
import io.sparkgan.model.metrics.RealReference;
import io.sparkgan.model.metrics.SampleMetrics;
import io.sparkgan.model.nets.Network;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluation against one real dataset: its evaluator, loaded once, and its cached {@link RealReference}. Each
 * call computes the features of one image set on the executors (samples of a generator, or another dataset) and
 * every metric of {@link MetricSuite} from them.
 */
public final class SampleEvaluation {

    private static final Logger LOG = LoggerFactory.getLogger(SampleEvaluation.class);

    private final SparkSession spark;
    private final ImageDataset real;
    private final String evaluatorLocation;
    private final MultiLayerNetwork evaluator;
    private final RealReference reference;
    private final String description;

    private SampleEvaluation(
            SparkSession spark,
            ImageDataset real,
            String evaluatorLocation,
            MultiLayerNetwork evaluator,
            RealReference reference,
            String description) {
        this.spark = spark;
        this.real = real;
        this.evaluatorLocation = evaluatorLocation;
        this.evaluator = evaluator;
        this.reference = reference;
        this.description = description;
    }

    /** The stored evaluator's accuracy on its test split, as text ("unknown" for an autoencoder). */
    public String realTestAccuracy() throws IOException {
        JsonNode accuracy = Json.MAPPER.readTree(description).get("testAccuracy");
        return accuracy == null ? "unknown" : String.format("%.4f", accuracy.asDouble());
    }

    /**
     * Opens the evaluation of samples against {@code realData}, with the evaluator stored at
     * {@code evaluatorUri} (null: the dataset's own, {@code <data>/_evaluator}). Fails, naming the location and
     * the command that makes one, when there is no evaluator, or when it was trained for other images.
     */
    public static SampleEvaluation open(SparkSession spark, String realData, String evaluatorUri) throws IOException {
        ImageDataset real = DatasetReader.read(spark, realData);
        String location = evaluatorUri != null ? evaluatorUri : EvaluatorStore.defaultLocation(realData);
        EvaluatorStore store = new EvaluatorStore(location, spark.sparkContext().hadoopConfiguration());
        if (!store.exists()) {
            throw new IllegalArgumentException("no evaluator in " + location + ": train one with 'sparkgan "
                    + "train-evaluator --data " + realData + " --test-data <test split>'"
                    + (evaluatorUri != null ? " --output " + evaluatorUri : ""));
        }
        store.requireShape(real.manifest());
        MultiLayerNetwork evaluator = store.loadNetwork();
        RealReference reference = RealReferenceCache.get(
                real, evaluator, store.id(), spark.sparkContext().hadoopConfiguration());
        return new SampleEvaluation(spark, real, location, evaluator, reference, store.description());
    }

    /** The default location of a dataset's evaluator, if one is stored there; else null. */
    public static String storedEvaluator(SparkSession spark, String realData) throws IOException {
        String location = EvaluatorStore.defaultLocation(realData);
        return new EvaluatorStore(location, spark.sparkContext().hadoopConfiguration()).exists() ? location : null;
    }

    public String evaluatorLocation() {
        return evaluatorLocation;
    }

    public ImageDataset real() {
        return real;
    }

    /** The real data's class frequencies (some may be 0); null when it is unlabelled. */
    public double[] realClassFrequencies() {
        return reference.classFrequencies();
    }

    /**
     * Metrics of {@code samples} images from a generator of {@code model}, made on {@code partitions} executor
     * tasks; for a conditional model also the share the evaluator classes as the class asked for.
     */
    public SampleMetrics ofGenerator(Network generator, GanModelConfig model, int samples, long seed, int partitions) {
        long start = System.nanoTime();
        SampleBlocks blocks = SampleBlocks.of(model, samples, seed, reference.classFrequencies());
        FeatureSet features;
        try (SparkJobProgress.Phase phase =
                SparkJobProgress.phase(spark, String.format("evaluating %,d generated samples", samples))) {
            features = EvaluatorFeatures.ofGenerator(
                    JavaSparkContext.fromSparkContext(spark.sparkContext()), generator, blocks, evaluator, partitions);
        }
        long generated = System.nanoTime();
        SampleMetrics metrics = MetricSuite.compare(reference, features, seed);
        if (model.conditional && features.hasClasses()) {
            int[] asked = blocks.labels();
            int agree = 0;
            for (int i = 0; i < asked.length; i++) {
                if (features.classes()[i] == asked[i]) {
                    agree++;
                }
            }
            metrics = metrics.withClassAccuracy(agree / (double) asked.length);
        }
        LOG.info(
                "{} samples generated and featurised in {} s on {} tasks, metrics in {} s",
                samples,
                String.format("%.1f", (generated - start) / 1e9),
                partitions,
                String.format("%.1f", (System.nanoTime() - generated) / 1e9));
        return metrics;
    }

    /**
     * Metrics of another dataset of the same shape (a synthetic dataset, a test split): FID from the statistics
     * of all its images, the other metrics from a random subset of up to {@code samples}.
     */
    public SampleMetrics ofDataset(ImageDataset other, int samples, long seed) {
        DatasetManifest m = other.manifest();
        DatasetManifest r = real.manifest();
        if (m.height() != r.height() || m.width() != r.width() || m.channels() != r.channels()) {
            throw new IllegalArgumentException("dataset " + other.uri() + " holds " + m.shape() + " images but "
                    + real.uri() + " holds " + r.shape());
        }
        EvaluatorFeatures.Summary summary = EvaluatorFeatures.summarise(other, evaluator, samples, seed);
        return MetricSuite.compare(reference, summary.subset(), summary.statistics(), seed);
    }

    /** The metrics as a JSON object (class-based fields left out when there are no classes). */
    public static ObjectNode toJson(SampleMetrics metrics) {
        ObjectNode line = Json.MAPPER.valueToTree(metrics);
        line.remove(List.of("modesCovered", "classes", "classKl", "classCounts", "classAccuracy").stream()
                .filter(f -> line.path(f).isNull())
                .toList());
        return line;
    }

    /** The metrics for people: one line per figure. */
    public static String describe(SampleMetrics m) {
        StringBuilder text = new StringBuilder();
        text.append(String.format("samples    %d%n", m.samples()));
        text.append(String.format("FID        %.3f%n", m.fid()));
        text.append(String.format("KID        %.5f +- %.5f%n", m.kid(), m.kidStd()));
        text.append(String.format(
                "precision  %.3f   recall   %.3f   (k = %d)%n", m.precision(), m.recall(), MetricSuite.K));
        text.append(String.format("density    %.3f   coverage %.3f%n", m.density(), m.coverage()));
        if (m.classAccuracy() != null) {
            text.append(String.format(
                    "classes as asked %.4f (the evaluator's class of each conditional sample)%n", m.classAccuracy()));
        }
        if (m.classes() != null) {
            text.append(String.format(
                    "modes      %d of %d covered, KL(samples || real) %.4f, class counts %s%n",
                    m.modesCovered(), m.classes(), m.classKl(), Arrays.toString(m.classCounts())));
        }
        return text.toString();
    }
}
