package io.sparkgan.jobs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.data.OutputDirectory;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.model.Json;
import io.sparkgan.model.metrics.EvaluatorNetwork;
import io.sparkgan.model.nets.NetworkArchive;
import io.sparkgan.model.perf.OneDnnLayers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Where a dataset's evaluator lives: {@code evaluator.zip} (DL4J format) and {@code evaluator.json} (which dataset
 * it was trained on, identified by its manifest, and its test accuracy), by default in the dataset's own
 * {@code _evaluator/} directory, which Parquet readers skip. Both files are written under a temporary name and
 * renamed, the JSON last, so a directory with {@code evaluator.json} always holds a complete evaluator.
 */
public final class EvaluatorStore {

    static final String MODEL = "evaluator.zip";
    static final String DESCRIPTION = "evaluator.json";

    private final RunStorage storage;
    private String description;

    public EvaluatorStore(String uri, Configuration conf) {
        this.storage = new RunStorage(uri, conf);
    }

    /** The default location for a dataset's evaluator. */
    public static String defaultLocation(String datasetUri) {
        return datasetUri.replaceAll("/+$", "") + "/" + OutputDirectory.EVALUATOR;
    }

    public boolean exists() throws IOException {
        return storage.exists(DESCRIPTION);
    }

    public void save(EvaluatorTrainer.Result result, ImageDataset train, ImageDataset test) throws IOException {
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        ModelSerializer.writeModel(result.network(), model, false);
        storage.writeAtomically(MODEL, model.toByteArray());
        DatasetManifest m = train.manifest();
        ObjectNode fields = Json.MAPPER.createObjectNode();
        fields.put("dataset", qualified(train.uri()));
        fields.put("datasetCreatedAt", m.createdAt());
        fields.put("datasetCount", m.count());
        fields.put("height", m.height());
        fields.put("width", m.width());
        fields.put("channels", m.channels());
        fields.set("labelNames", Json.MAPPER.valueToTree(m.labelNames()));
        fields.put("testDataset", qualified(test.uri()));
        fields.put("kind", result.kind().name().toLowerCase());
        fields.put(
                "why",
                result.kind() == EvaluatorNetwork.Kind.CLASSIFIER
                        ? "labelled dataset: a classifier's penultimate layer separates the classes, and its predictions"
                                + " give mode coverage"
                        : "unlabelled dataset: an autoencoder's bottleneck keeps what tells the images apart without labels;"
                                + " no classes, so no mode coverage");
        fields.put("trainedAt", Instant.now().toString());
        if (result.kind() == EvaluatorNetwork.Kind.CLASSIFIER) {
            fields.put("testAccuracy", result.testAccuracy());
        } else {
            fields.put("testReconstructionError", result.testReconstructionError());
        }
        fields.put("epochs", result.epochs());
        fields.put("featureLayer", EvaluatorNetwork.FEATURE_LAYER);
        fields.put("features", EvaluatorNetwork.FEATURES);
        String json = Json.MAPPER.writeValueAsString(fields);
        storage.writeAtomically(DESCRIPTION, json);
        description = json;
    }

    private String qualified(String uri) throws IOException {
        Path path = new Path(uri);
        return path.getFileSystem(storage.fs().getConf()).makeQualified(path).toString();
    }

    /** Identifies this evaluator (a digest of its description): cached statistics made with another are stale. */
    public String id() throws IOException {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(description().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fails, naming both, unless this evaluator was trained on images of the dataset's shape. */
    public void requireShape(DatasetManifest dataset) throws IOException {
        JsonNode d = Json.MAPPER.readTree(description());
        if (d.path("height").asInt() != dataset.height()
                || d.path("width").asInt() != dataset.width()
                || d.path("channels").asInt() != dataset.channels()) {
            throw new IllegalArgumentException("the evaluator in " + storage.path("") + " was trained on "
                    + d.path("height").asInt() + "x" + d.path("width").asInt() + "x"
                    + d.path("channels").asInt()
                    + " images, not " + dataset.shape());
        }
    }

    public MultiLayerNetwork loadNetwork() throws IOException {
        try (InputStream in = storage.fs().open(storage.path(MODEL))) {
            MultiLayerNetwork net = NetworkArchive.read(in, storage.path(MODEL).toString(), false)
                    .layerStack();
            OneDnnLayers.enable(net);
            return net;
        }
    }

    /** The stored evaluator.json, read once (id, shape check and accuracy all come from it). */
    public String description() throws IOException {
        if (description == null) {
            description = storage.readString(DESCRIPTION);
        }
        return description;
    }
}
