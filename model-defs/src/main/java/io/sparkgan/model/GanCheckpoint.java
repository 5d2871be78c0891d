package io.sparkgan.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The checkpoint format: {@code generator.zip} and {@code discriminator.zip} (DL4J's model format: configuration
 * JSON with the iteration counts, parameters and updater state such as Adam's moments, as ND4J binary arrays; no
 * Java serialization) and {@code gan.json} (the model config and the caller's training state: counters, seeds).
 * The zips load on their own with {@link ModelSerializer#restoreMultiLayerNetwork}, e.g. from a notebook.
 *
 * <p>Committing a checkpoint atomically (temporary name, then rename) is the caller's job: it knows the storage.
 */
public final class GanCheckpoint {

    public static final String GENERATOR = "generator.zip";
    public static final String DISCRIMINATOR = "discriminator.zip";
    public static final String STATE = "gan.json";

    private final GanModelConfig config;
    private final MultiLayerNetwork generator;
    private final MultiLayerNetwork discriminator;
    private final JsonNode trainingState;

    public GanCheckpoint(GanModelConfig config, MultiLayerNetwork generator, MultiLayerNetwork discriminator,
                         JsonNode trainingState) {
        this.config = config;
        this.generator = generator;
        this.discriminator = discriminator;
        this.trainingState = trainingState;
    }

    public GanModelConfig config() {
        return config;
    }

    public MultiLayerNetwork generator() {
        return generator;
    }

    public MultiLayerNetwork discriminator() {
        return discriminator;
    }

    /** What the trainer stored with the networks (step counters, seeds); an empty object if nothing. */
    public JsonNode trainingState() {
        return trainingState;
    }

    public void write(CheckpointFiles files) throws IOException {
        try (OutputStream out = files.create(GENERATOR)) {
            ModelSerializer.writeModel(generator, out, true);
        }
        try (OutputStream out = files.create(DISCRIMINATOR)) {
            ModelSerializer.writeModel(discriminator, out, true);
        }
        ObjectNode state = Json.MAPPER.createObjectNode();
        state.put("formatVersion", 1);
        state.set("model", Json.MAPPER.valueToTree(config));
        state.set("training", trainingState == null ? Json.MAPPER.createObjectNode() : trainingState);
        // written last: a reader that finds gan.json finds complete network files
        try (OutputStream out = files.create(STATE)) {
            Json.MAPPER.writeValue(out, state);
        }
    }

    public static GanCheckpoint read(CheckpointFiles files) throws IOException {
        for (String name : new String[] {STATE, GENERATOR, DISCRIMINATOR}) {
            if (!files.exists(name)) {
                throw new IOException("incomplete checkpoint: " + name + " is missing");
            }
        }
        JsonNode state;
        try (InputStream in = files.open(STATE)) {
            state = Json.MAPPER.readTree(in);
        }
        GanModelConfig config = Json.MAPPER.treeToValue(state.get("model"), GanModelConfig.class);
        return new GanCheckpoint(config, restore(files, GENERATOR), restore(files, DISCRIMINATOR),
                state.get("training"));
    }

    private static MultiLayerNetwork restore(CheckpointFiles files, String name) throws IOException {
        try (InputStream in = files.open(name)) {
            MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(in, true);
            OneDnnLayers.enable(net);
            return net;
        }
    }
}
