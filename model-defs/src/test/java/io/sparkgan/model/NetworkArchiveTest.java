package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints from elsewhere are data: loading one never runs Java deserialisation, and damage is named. */
class NetworkArchiveTest {

    /** Records that Java deserialisation reached it: what a gadget's readObject would do instead. */
    static final class Tripwire implements Serializable {
        private static final long serialVersionUID = 1L;
        static volatile boolean ran;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            ran = true;
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
    void anUntouchedCheckpointStillLoads() throws IOException {
        GanCheckpoint loaded = GanCheckpoint.read(CheckpointFiles.localDirectory(dir));
        assertEquals(GanStepTest.smallDcgan().baseWidth, loaded.config().baseWidth);
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
