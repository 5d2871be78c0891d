package io.sparkgan.model.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.nets.NetworkArchive;
import io.sparkgan.model.perf.OneDnnLayers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The checkpoint format: {@code generator.zip} and {@code discriminator.zip} (DL4J's model format: configuration
 * JSON with the iteration counts, parameters and updater state such as Adam's moments, as ND4J binary arrays; no
 * Java serialization), {@code generator-ema.zip} when the run keeps a moving average of G (parameters only), and
 * {@code gan.json} (the model config and the caller's training state: counters, seeds).
 * The zips load on their own with DL4J's {@code ModelSerializer}, e.g. from a notebook (a graph generator as a
 * {@code ComputationGraph}); sparkgan reads them with {@link NetworkArchive}, which never runs Java deserialisation
 * on what a file holds.
 *
 * <p>Committing a checkpoint atomically (temporary name, then rename) is the caller's job: it knows the storage.
 */
public final class GanCheckpoint {

    public static final String GENERATOR = "generator.zip";
    public static final String DISCRIMINATOR = "discriminator.zip";
    /** G with the moving-average parameters (no optimizer state), when the average is on. */
    public static final String GENERATOR_AVERAGE = "generator-ema.zip";

    public static final String STATE = "gan.json";

    private final GanModelConfig config;
    private final Network generator;
    private final Network discriminator;
    private final JsonNode trainingState;
    private final Network averagedGenerator;

    public GanCheckpoint(GanModelConfig config, Network generator, Network discriminator, JsonNode trainingState) {
        this(config, generator, discriminator, null, trainingState);
    }

    /** A checkpoint with G's moving average as a network of its own ({@code null} when the average is off). */
    public GanCheckpoint(
            GanModelConfig config,
            Network generator,
            Network discriminator,
            Network averagedGenerator,
            JsonNode trainingState) {
        this.config = config;
        this.generator = generator;
        this.discriminator = discriminator;
        this.averagedGenerator = averagedGenerator;
        this.trainingState = trainingState;
    }

    /** G with the moving-average parameters, or null when the run has no average. */
    public Network averagedGenerator() {
        return averagedGenerator;
    }

    /** The generator to sample from: the averaged one when there is one. */
    public Network samplingGenerator() {
        return averagedGenerator != null ? averagedGenerator : generator;
    }

    public GanModelConfig config() {
        return config;
    }

    public Network generator() {
        return generator;
    }

    public Network discriminator() {
        return discriminator;
    }

    /** What the trainer stored with the networks (step counters, seeds); an empty object if nothing. */
    public JsonNode trainingState() {
        return trainingState;
    }

    public void write(CheckpointFiles files) throws IOException {
        try (OutputStream out = files.create(GENERATOR)) {
            ModelSerializer.writeModel(generator.model(), out, true);
        }
        try (OutputStream out = files.create(DISCRIMINATOR)) {
            ModelSerializer.writeModel(discriminator.model(), out, true);
        }
        if (averagedGenerator != null) {
            try (OutputStream out = files.create(GENERATOR_AVERAGE)) {
                ModelSerializer.writeModel(averagedGenerator.model(), out, false);
            }
        }
        ObjectNode state = Json.MAPPER.createObjectNode();
        state.put("formatVersion", 1);
        state.set("model", Json.MAPPER.valueToTree(config));
        state.set("training", trainingState == null ? Json.MAPPER.createObjectNode() : trainingState);
        // written last: a reader that finds gan.json finds complete network files
        try (OutputStream out = files.create(STATE)) {
            // as bytes: Jackson's writeValue(stream) closes the stream itself, before try-with-resources does
            out.write(Json.MAPPER.writeValueAsBytes(state));
        }
    }

    public static GanCheckpoint read(CheckpointFiles files) throws IOException {
        for (String name : new String[] {STATE, GENERATOR, DISCRIMINATOR}) {
            if (!files.exists(name)) {
                throw new IOException("incomplete checkpoint: " + files.location(name) + " is missing");
            }
        }
        JsonNode state;
        GanModelConfig config;
        try (InputStream in = files.open(STATE)) {
            state = Json.MAPPER.readTree(in);
            config = Json.MAPPER.treeToValue(GanModelConfig.upgradeStored(state.get("model")), GanModelConfig.class);
        } catch (RuntimeException | com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(files.location(STATE) + " is damaged: " + e.getMessage(), e);
        }
        if (config.emaKimg > 0 && !files.exists(GENERATOR_AVERAGE)) {
            throw new IOException("incomplete checkpoint: " + files.location(GENERATOR_AVERAGE) + " is missing");
        }
        return new GanCheckpoint(
                config,
                restore(files, GENERATOR),
                restore(files, DISCRIMINATOR),
                config.emaKimg > 0 ? restore(files, GENERATOR_AVERAGE, false) : null,
                state.get("training"));
    }

    private static Network restore(CheckpointFiles files, String name) throws IOException {
        return restore(files, name, true);
    }

    private static Network restore(CheckpointFiles files, String name, boolean withUpdater) throws IOException {
        try (InputStream in = files.open(name)) {
            Network net = NetworkArchive.read(in, files.location(name), withUpdater);
            OneDnnLayers.enable(net.model());
            return net;
        }
    }
}
