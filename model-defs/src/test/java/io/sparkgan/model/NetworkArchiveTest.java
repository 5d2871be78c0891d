package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.losses.GanLoss;
import io.sparkgan.model.losses.HingeAdversarialLoss;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.state.CheckpointFiles;
import io.sparkgan.model.state.GanCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.api.layers.LayerConstraint;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.distribution.Distribution;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.variational.ReconstructionDistribution;
import org.deeplearning4j.nn.conf.stepfunctions.StepFunction;
import org.deeplearning4j.nn.conf.weightnoise.IWeightNoise;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonTypeInfo;

/** Checkpoints from elsewhere are data: loading one never runs Java deserialisation, and damage is named. */
class NetworkArchiveTest {

    /** A class outside the packages a network configuration may name. */
    private static final String GADGET = "com.example.Gadget";

    /** Records that Java deserialisation reached it: what a gadget's readObject would do instead. */
    static final class Tripwire implements Serializable {
        private static final long serialVersionUID = 1L;
        static volatile boolean ran;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            ran = true;
        }
    }

    static final class RecordingClassLoader extends ClassLoader {
        final Set<String> requested = ConcurrentHashMap.newKeySet();

        RecordingClassLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            requested.add(name);
            return super.loadClass(name, resolve);
        }
    }

    @TempDir
    Path dir;

    @BeforeEach
    void writeCheckpoint() throws IOException {
        Tripwire.ran = false;
        GanModelConfig config = GanStepTest.smallDcgan();
        new GanCheckpoint(config, GanNetworks.generator(config), GanNetworks.discriminator(config), null)
                .write(CheckpointFiles.localDirectory(dir));
    }

    @Test
    void aPlantedSerialisedObjectNeverRunsAndTheLoadFailsNamingIt() throws IOException {
        ByteArrayOutputStream serialised = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(serialised)) {
            out.writeObject(new Tripwire());
        }
        rewrite(GanCheckpoint.GENERATOR, entries -> {
            entries.put("preprocessor.bin", serialised.toByteArray());
            return entries;
        });

        IOException e = assertThrows(IOException.class, () -> GanCheckpoint.read(CheckpointFiles.localDirectory(dir)));
        assertFalse(Tripwire.ran, "Java deserialisation ran on checkpoint bytes");
        assertTrue(
                e.getMessage().contains("preprocessor.bin") && e.getMessage().contains(GanCheckpoint.GENERATOR),
                e.getMessage());
    }

    @Test
    void aTruncatedNetworkFileIsNamed() throws IOException {
        Path file = dir.resolve(GanCheckpoint.DISCRIMINATOR);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        IOException e = assertThrows(IOException.class, () -> GanCheckpoint.read(CheckpointFiles.localDirectory(dir)));
        assertTrue(
                e.getMessage().contains(dir.resolve(GanCheckpoint.DISCRIMINATOR).toString()), e.getMessage());
    }

    @Test
    void parametersOfTheWrongSizeAreNamed() throws IOException {
        Path other = dir.resolve("other");
        GanModelConfig wider = GanStepTest.smallDcgan();
        wider.baseWidth *= 2;
        new GanCheckpoint(wider, GanNetworks.generator(wider), GanNetworks.discriminator(wider), null)
                .write(CheckpointFiles.localDirectory(other));
        byte[] foreign = entries(other.resolve(GanCheckpoint.GENERATOR)).get("coefficients.bin");
        rewrite(GanCheckpoint.GENERATOR, entries -> {
            entries.put("coefficients.bin", foreign);
            return entries;
        });
        IOException e = assertThrows(IOException.class, () -> GanCheckpoint.read(CheckpointFiles.localDirectory(dir)));
        assertTrue(
                e.getMessage().contains(GanCheckpoint.GENERATOR)
                        && e.getMessage().contains("parameters"),
                e.getMessage());
    }

    @Test
    void aConfigurationNamingAClassOutsideTheNetworkLibrariesIsRefused() throws IOException {
        rewrite(GanCheckpoint.DISCRIMINATOR, entries -> {
            String json = new String(entries.get("configuration.json"), StandardCharsets.UTF_8);
            String tampered = json.replaceFirst(
                    "\"@class\" : \"org\\.nd4j\\.linalg\\.activations\\.impl\\.[A-Za-z]+\"",
                    "\"@class\" : \"com.example.Gadget\"");
            assertFalse(tampered.equals(json), "the fixture has an activation to tamper with");
            entries.put("configuration.json", tampered.getBytes(StandardCharsets.UTF_8));
            return entries;
        });
        IOException e = assertThrows(IOException.class, () -> GanCheckpoint.read(CheckpointFiles.localDirectory(dir)));
        assertTrue(e.getMessage().contains("com.example.Gadget"), e.getMessage());
    }

    @Test
    void aDuplicateClassKeyIsRefusedBeforeAnyClassIsLoaded() throws IOException {
        // the reader's tree keeps the last value, Jackson's type resolution reads the first
        tamperGenerator(
                "\"@class\" : \"org\\.nd4j\\.linalg\\.activations\\.impl\\.",
                "\"@class\" : \"" + GADGET + "\", \"@class\" : \"org.nd4j.linalg.activations.impl.");
        assertRefusedWithoutLoadingTheGadget("@class");
    }

    @Test
    void aRepeatedKeyIsRefusedEvenWhenBothValuesAreAllowed() throws IOException {
        tamperGenerator(
                "\"@class\" : \"org\\.nd4j\\.linalg\\.activations\\.impl\\.",
                "\"@class\" : \"org.nd4j.linalg.activations.impl.ActivationCube\","
                        + " \"@class\" : \"org.nd4j.linalg.activations.impl.");
        IOException e = assertThrows(IOException.class, () -> GanCheckpoint.read(CheckpointFiles.localDirectory(dir)));
        assertTrue(
                e.getMessage().contains(dir.resolve(GanCheckpoint.GENERATOR).toString())
                        && e.getMessage().contains("Duplicate field '@class'"),
                e.getMessage());
    }

    @Test
    void aClassNamedUnderTheTypeKeyIsRefusedBeforeItIsLoaded() throws IOException {
        // DL4J's weight-init distributions carry their class under "type", not "@class"
        tamperGenerator(
                "\"type\" : \"org\\.deeplearning4j\\.nn\\.conf\\.distribution\\.[A-Za-z]+\"",
                "\"type\" : \"" + GADGET + "\"");
        assertRefusedWithoutLoadingTheGadget("type");
    }

    @Test
    void aClassNamedInJacksonsArrayFormOfATypeIdIsRefusedBeforeItIsLoaded() throws IOException {
        // Jackson also reads a polymorphic value written as [class name, value]
        tamperGenerator("\"iupdater\" : \\{[^{}]*\\}", "\"iupdater\" : [ \"" + GADGET + "\", { } ]");
        assertRefusedWithoutLoadingTheGadget(GADGET);
    }

    /** Every property DL4J's polymorphic configuration types name their class under. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("typeIdProperties")
    void aClassNamedUnderAnyOfDl4jsTypeIdPropertiesIsRefused(String property) throws IOException {
        tamperGenerator("^\\{", "{ \"" + property + "\" : \"" + GADGET + "\",");
        assertRefusedWithoutLoadingTheGadget(property);
    }

    @Test
    void somethingOtherThanAClassNameUnderATypeIdKeyIsRefused() throws IOException {
        tamperGenerator("^\\{", "{ \"type\" : [ \"" + GADGET + "\" ],");
        assertRefusedWithoutLoadingTheGadget("/type");
    }

    static Stream<String> typeIdProperties() {
        Stream<Class<?>> polymorphic = Stream.of(
                Layer.class,
                GraphVertex.class,
                InputPreProcessor.class,
                InputType.class,
                IDropout.class,
                IWeightNoise.class,
                LayerConstraint.class,
                IWeightInit.class,
                Distribution.class,
                ReconstructionDistribution.class,
                StepFunction.class,
                IActivation.class,
                ILossFunction.class,
                IUpdater.class,
                ISchedule.class,
                Regularization.class);
        return polymorphic
                .map(type -> type.getAnnotation(JsonTypeInfo.class))
                .filter(info -> info.use() == JsonTypeInfo.Id.CLASS || info.use() == JsonTypeInfo.Id.MINIMAL_CLASS)
                .map(info -> info.property().isEmpty() ? info.use().getDefaultPropertyName() : info.property())
                .distinct();
    }

    /**
     * The losses moved from the model's root package to {@code model.losses} (issue 36): a D written before, with the
     * hinge loss under its old class name, loads with the loss it was trained with. (The fixture of
     * CheckpointFixtureTest holds the non-saturating loss's old name.)
     */
    @Test
    void aLossUnderTheClassNameItHadBeforeItMovedStillLoads() throws IOException {
        GanModelConfig hinge = GanStepTest.smallDcgan();
        hinge.loss = GanLoss.HINGE;
        new GanCheckpoint(hinge, GanNetworks.generator(hinge), GanNetworks.discriminator(hinge), null)
                .write(CheckpointFiles.localDirectory(dir));
        rewrite(GanCheckpoint.DISCRIMINATOR, entries -> {
            String json = new String(entries.get("configuration.json"), StandardCharsets.UTF_8);
            String old = json.replace(
                    "\"" + HingeAdversarialLoss.class.getName() + "\"", "\"io.sparkgan.model.HingeAdversarialLoss\"");
            assertFalse(old.equals(json), "D's configuration names its loss class");
            entries.put("configuration.json", old.getBytes(StandardCharsets.UTF_8));
            return entries;
        });
        GanCheckpoint loaded = GanCheckpoint.read(CheckpointFiles.localDirectory(dir));
        assertTrue(
                loaded.discriminator().configurationJson().contains("\"" + HingeAdversarialLoss.class.getName() + "\""),
                "D's loss is the hinge loss under its present name");
    }

    @Test
    void anUntouchedCheckpointStillLoads() throws IOException {
        GanCheckpoint loaded = GanCheckpoint.read(CheckpointFiles.localDirectory(dir));
        assertEquals(GanStepTest.smallDcgan().baseWidth, loaded.config().baseWidth);
    }

    private void tamperGenerator(String regex, String replacement) throws IOException {
        rewrite(GanCheckpoint.GENERATOR, entries -> {
            String json = new String(entries.get("configuration.json"), StandardCharsets.UTF_8);
            String tampered = json.replaceFirst(regex, replacement);
            assertFalse(tampered.equals(json), "the fixture has " + regex + " to tamper with");
            entries.put("configuration.json", tampered.getBytes(StandardCharsets.UTF_8));
            return entries;
        });
    }

    /** Reads the tampered checkpoint with a context class loader (the one Jackson loads type ids with) that records. */
    private void assertRefusedWithoutLoadingTheGadget(String key) {
        RecordingClassLoader loader = new RecordingClassLoader(getClass().getClassLoader());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        IOException e;
        try {
            e = assertThrows(IOException.class, () -> GanCheckpoint.read(CheckpointFiles.localDirectory(dir)));
        } finally {
            thread.setContextClassLoader(previous);
        }
        assertFalse(loader.requested.contains(GADGET), "the class named in the file was looked up");
        String message = e.getMessage();
        assertTrue(message.contains(dir.resolve(GanCheckpoint.GENERATOR).toString()) && message.contains(key), message);
    }

    private void rewrite(String name, UnaryOperator<Map<String, byte[]>> change) throws IOException {
        Path file = dir.resolve(name);
        Map<String, byte[]> entries = change.apply(entries(file));
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
    }

    private static Map<String, byte[]> entries(Path zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries.put(entry.getName(), in.readAllBytes());
            }
        }
        return entries;
    }
}
