package io.sparkgan.jobs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.model.Json;
import io.sparkgan.model.metrics.FeatureStatistics;
import io.sparkgan.model.metrics.RealReference;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real dataset's {@link RealReference}, computed once per (dataset, evaluator) and cached in the dataset's
 * {@code _reference/} directory: {@code reference.json} (statistics, class frequencies, and what they were computed
 * from) and {@code features.bin} (the subset's feature vectors, ND4J's binary format). A cache made from another
 * evaluator or an older version of the dataset is recomputed. Where the dataset cannot be written to (a shared,
 * read-only lake), the reference is computed for the run and not cached.
 */
public final class RealReferenceCache {

    private static final Logger LOG = LoggerFactory.getLogger(RealReferenceCache.class);

    static final String DIR = "_reference";
    static final String DESCRIPTION = "reference.json";
    static final String FEATURES = "features.bin";
    /** Real feature vectors kept for KID and the k-NN metrics. */
    public static final int SUBSET = 10_000;

    private static final long SEED = 0x7265616cL;

    private RealReferenceCache() {}

    /** The reference of {@code data} under {@code evaluator} (identified by {@code evaluatorId}). */
    public static RealReference get(
            ImageDataset data, MultiLayerNetwork evaluator, String evaluatorId, Configuration conf) throws IOException {
        RunStorage storage = new RunStorage(data.uri().replaceAll("/+$", "") + "/" + DIR, conf);
        DatasetManifest manifest = data.manifest();
        if (storage.exists(DESCRIPTION) && storage.exists(FEATURES)) {
            JsonNode cached = Json.MAPPER.readTree(storage.readString(DESCRIPTION));
            if (evaluatorId.equals(cached.path("evaluator").asText())
                    && String.valueOf(manifest.createdAt())
                            .equals(cached.path("datasetCreatedAt").asText())) {
                return read(storage, cached);
            }
            LOG.info(
                    "the cached reference of {} was made with another evaluator or dataset version: recomputing",
                    data.uri());
        }
        long start = System.nanoTime();
        LOG.info("computing the real reference of {} (features of every image, once per evaluator)", data.uri());
        EvaluatorFeatures.Summary summary = EvaluatorFeatures.summarise(data, evaluator, SUBSET, SEED);
        RealReference reference =
                new RealReference(summary.statistics(), summary.subset().features(), classFrequencies(manifest));
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info(
                "real reference of {}: features of {} images in {} s",
                data.uri(),
                summary.statistics().count(),
                String.format("%.1f", seconds));
        try {
            write(storage, reference, evaluatorId, manifest, seconds);
        } catch (IOException e) {
            LOG.warn(
                    "cannot cache the real reference in {} ({}); it will be recomputed next time",
                    storage.path(""),
                    e.getMessage());
        }
        return reference;
    }

    /** Real class frequencies from the manifest's exact counts; null for an unlabelled dataset. */
    static double[] classFrequencies(DatasetManifest manifest) {
        if (!manifest.labelled() || manifest.classCounts() == null) {
            return null;
        }
        List<Long> counts = manifest.classCounts();
        double total = counts.stream().mapToLong(Long::longValue).sum();
        return counts.stream().mapToDouble(c -> c / total).toArray();
    }

    private static void write(
            RunStorage storage, RealReference reference, String evaluatorId, DatasetManifest manifest, double seconds)
            throws IOException {
        ByteArrayOutputStream features = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(features)) {
            Nd4j.write(Nd4j.create(reference.features()), out);
        }
        storage.writeAtomically(FEATURES, features.toByteArray());
        ObjectNode description = Json.MAPPER.createObjectNode();
        description.put("evaluator", evaluatorId);
        description.put("datasetCreatedAt", manifest.createdAt());
        description.put("count", reference.statistics().count());
        description.put("subset", reference.features().length);
        description.put("seconds", seconds);
        description.set("classFrequencies", Json.MAPPER.valueToTree(reference.classFrequencies()));
        description.set("mean", Json.MAPPER.valueToTree(reference.statistics().mean()));
        description.set(
                "covariance", Json.MAPPER.valueToTree(reference.statistics().covariance()));
        storage.writeAtomically(DESCRIPTION, Json.MAPPER.writeValueAsString(description));
    }

    private static RealReference read(RunStorage storage, JsonNode description) throws IOException {
        double[][] features;
        try (InputStream in = storage.fs().open(storage.path(FEATURES));
                DataInputStream data = new DataInputStream(new ByteArrayInputStream(in.readAllBytes()))) {
            features = Nd4j.read(data).toDoubleMatrix();
        }
        FeatureStatistics statistics = new FeatureStatistics(
                Json.MAPPER.treeToValue(description.get("mean"), double[].class),
                Json.MAPPER.treeToValue(description.get("covariance"), double[][].class),
                description.get("count").asLong());
        JsonNode frequencies = description.get("classFrequencies");
        return new RealReference(
                statistics,
                features,
                frequencies == null || frequencies.isNull()
                        ? null
                        : Json.MAPPER.treeToValue(frequencies, double[].class));
    }
}
