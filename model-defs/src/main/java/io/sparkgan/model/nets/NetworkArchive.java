package io.sparkgan.model.nets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a network in DL4J's model format (what {@link ModelSerializer#writeModel} writes), a layer stack or a
 * graph, without {@link ModelSerializer#restoreMultiLayerNetwork} or its graph twin: those run Java
 * deserialisation on a {@code preprocessor.bin} entry when a file has one, so a checkpoint or evaluator from someone else would be a way to run code. Here the
 * zip may hold only the configuration JSON and ND4J's binary arrays; anything else is refused before a byte of it
 * is interpreted, the JSON may only name classes of the network libraries and of sparkgan, and the arrays must
 * have the sizes the configuration implies. Every error names the file.
 */
public final class NetworkArchive {

    private static final String CONFIGURATION = ModelSerializer.CONFIGURATION_JSON;
    private static final String PARAMETERS = ModelSerializer.COEFFICIENTS_BIN;
    private static final String UPDATER_STATE = ModelSerializer.UPDATER_BIN;
    private static final Set<String> READABLE = Set.of(CONFIGURATION, PARAMETERS, UPDATER_STATE);
    /** Packages whose classes a configuration may name. */
    private static final List<String> TRUSTED_PACKAGES = List.of("org.deeplearning4j.", "org.nd4j.", "io.sparkgan.");
    /**
     * The properties DL4J's configuration types name their class under: the {@code property} of their
     * {@code @JsonTypeInfo(use = CLASS)} annotations ({@code @class}, Jackson's default, and {@code type} for
     * distributions). Types whose ids are names ({@code use = NAME}) resolve them only among registered subtypes.
     */
    private static final Set<String> TYPE_ID_KEYS = Set.of("@class", "type");
    /**
     * Any other string Jackson might resolve as a class, a qualified name or an array descriptor: Jackson also
     * reads a polymorphic value written as an array, {@code ["class name", value]}.
     */
    private static final Pattern CLASS_NAME =
            Pattern.compile("\\[*[\\p{javaJavaIdentifierPart}$]+(\\.[\\p{javaJavaIdentifierPart}$]+)+;?");

    private static final JsonFactory STRICT_JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private NetworkArchive() {}

    /**
     * @param location what the error messages call the file (its full path)
     * @param withUpdater also restore the optimizer state (an error if the file has none)
     */
    public static Network read(InputStream in, String location, boolean withUpdater) throws IOException {
        Map<String, byte[]> entries = entries(in, location);
        byte[] json = entries.get(CONFIGURATION);
        byte[] parameters = entries.get(PARAMETERS);
        if (json == null || parameters == null) {
            throw new IOException(
                    location + " is not a network file: it has no " + (json == null ? CONFIGURATION : PARAMETERS));
        }
        String configuration = checkedConfiguration(new String(json, StandardCharsets.UTF_8), location);
        try {
            INDArray params = array(parameters);
            Network network;
            try {
                network = Network.fromConfiguration(configuration, params);
            } catch (IllegalArgumentException e) {
                throw new IOException(location + ": " + e.getMessage() + " (" + PARAMETERS + ")", e);
            }
            if (withUpdater) {
                restoreUpdater(network, entries.get(UPDATER_STATE), location);
            }
            return network;
        } catch (RuntimeException e) {
            throw new IOException(location + " is damaged: " + e.getMessage(), e);
        }
    }

    private static void restoreUpdater(Network network, byte[] bytes, String location) throws IOException {
        long expected = network.updaterState().length();
        if (expected == 0) {
            return;
        }
        if (bytes == null) {
            throw new IOException(location + " has no optimizer state (" + UPDATER_STATE + ")");
        }
        INDArray state = array(bytes);
        if (state.length() != expected) {
            throw new IOException(location + ": its optimizer state should hold " + expected + " values but "
                    + UPDATER_STATE + " holds " + state.length());
        }
        network.updaterState().assign(state.reshape(network.updaterState().shape()));
    }

    private static Map<String, byte[]> entries(InputStream in, String location) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                String name = entry.getName();
                if (!READABLE.contains(name)) {
                    throw new IOException(location + " holds '" + name + "', which sparkgan does not read"
                            + " (network files may hold only " + READABLE + "; DL4J would run Java deserialisation"
                            + " on it)");
                }
                if (entries.put(name, zip.readAllBytes()) != null) {
                    throw new IOException(location + " holds '" + name + "' twice");
                }
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(location)) {
                throw e;
            }
            throw new IOException(location + " is not a readable zip (truncated or damaged): " + e, e);
        }
        return entries;
    }

    /**
     * The configuration, moved class names upgraded, once it is known to name only trusted classes. The check
     * streams the text rather than reading a tree: a tree keeps only the last of two equal keys, while Jackson's
     * type resolution in DL4J reads the first, so repeated keys are refused outright.
     */
    private static String checkedConfiguration(String stored, String location) throws IOException {
        String json = upgradeClassNames(stored);
        try (JsonParser parser = STRICT_JSON.createParser(json)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME || token.isStructEnd()) {
                    continue;
                }
                JsonStreamContext context = parser.getParsingContext();
                String key = parser.currentName(); // null for an element of an array
                boolean typeId = key != null && TYPE_ID_KEYS.contains(key);
                if (typeId && token != JsonToken.VALUE_STRING) {
                    throw new IOException(location + ": " + CONFIGURATION + " holds " + token + " at "
                            + context.pathAsPointer() + " where a class name belongs; refused");
                }
                if (token == JsonToken.VALUE_STRING
                        && (typeId || CLASS_NAME.matcher(parser.getText()).matches())
                        && TRUSTED_PACKAGES.stream().noneMatch(parser.getText()::startsWith)) {
                    throw new IOException(location + ": " + CONFIGURATION + " names class " + parser.getText() + " at "
                            + context.pathAsPointer() + ", outside the network libraries; refused");
                }
            }
        } catch (StreamReadException e) {
            JsonLocation at = e.getLocation();
            throw new IOException(
                    location + ": " + CONFIGURATION + " is refused at line " + at.getLineNr() + ", column "
                            + at.getColumnNr() + ": " + e.getOriginalMessage(),
                    e);
        }
        return json;
    }

    /** The class names of sparkgan's layers and losses in networks written before they moved (checkpoint format 1). */
    private static final Map<String, String> MOVED_CLASSES = Map.of(
            "io.sparkgan.model.LinearConvolution2D", "io.sparkgan.model.perf.LinearConvolution2D",
            "io.sparkgan.model.LinearDeconvolution2D", "io.sparkgan.model.perf.LinearDeconvolution2D",
            "io.sparkgan.model.VectorisedLeakyReLU", "io.sparkgan.model.perf.VectorisedLeakyReLU",
            "io.sparkgan.model.NonSaturatingLogitLoss", "io.sparkgan.model.losses.NonSaturatingLogitLoss",
            "io.sparkgan.model.HingeAdversarialLoss", "io.sparkgan.model.losses.HingeAdversarialLoss");

    private static String upgradeClassNames(String json) {
        String upgraded = json;
        for (Map.Entry<String, String> moved : MOVED_CLASSES.entrySet()) {
            upgraded = upgraded.replace("\"" + moved.getKey() + "\"", "\"" + moved.getValue() + "\"");
        }
        return upgraded;
    }

    private static INDArray array(byte[] bytes) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return Nd4j.read(in);
        }
    }
}
