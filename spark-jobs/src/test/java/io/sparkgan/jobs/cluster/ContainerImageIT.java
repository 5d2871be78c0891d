package io.sparkgan.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container image that {@code mvn -Papp-jar,image package} writes as a tarball (Jib, no Docker daemon), read
 * the way a container runtime reads it: its manifest, its config and its layers. Holds the application jar at the
 * path every Kubernetes example names, with the entrypoint, user and working directory that cluster/README.md
 * documents (those of the official Spark image, which Spark's Kubernetes backend relies on).
 */
class ContainerImageIT {

    static final String JAR_IN_IMAGE = "/opt/sparkgan/sparkgan-app.jar";
    static final String DISCOVERY_SCRIPT_IN_IMAGE = "/opt/sparkgan/getGpusResources.sh";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode config;

    /** The image's regular files, its layers laid over each other: path (absolute) to mode, size and SHA-256. */
    private static final Map<String, FileInImage> FILES = new HashMap<>();

    record FileInImage(int mode, long size, byte[] sha256) {}

    @BeforeAll
    static void readImage() throws Exception {
        Path tarball = Path.of(property("sparkgan.image.tar"));
        assertTrue(Files.isRegularFile(tarball), tarball + " missing: build it with mvn -Papp-jar,image package");
        Map<String, byte[]> jsonFiles = new HashMap<>();
        Map<String, Map<String, FileInImage>> layers = new HashMap<>();
        try (TarArchiveInputStream image = new TarArchiveInputStream(Files.newInputStream(tarball))) {
            for (TarArchiveEntry entry; (entry = image.getNextTarEntry()) != null; ) {
                if (entry.getName().endsWith(".json")) {
                    jsonFiles.put(entry.getName(), image.readAllBytes());
                } else if (entry.isFile()) {
                    layers.put(entry.getName(), readLayer(image));
                }
            }
        }
        JsonNode manifest = JSON.readTree(jsonFiles.get("manifest.json")).get(0);
        assertNotNull(manifest, "the tarball has a Docker manifest.json");
        for (JsonNode layer : manifest.get("Layers")) {
            assertTrue(layers.containsKey(layer.asText()), layer + " not in the tarball: " + layers.keySet());
            FILES.putAll(layers.get(layer.asText()));
        }
        config = JSON.readTree(jsonFiles.get(manifest.get("Config").asText()));
    }

    @Test
    void theApplicationJarIsAtTheDocumentedPath() throws Exception {
        FileInImage jar = FILES.get(JAR_IN_IMAGE);
        assertNotNull(jar, JAR_IN_IMAGE + " in no layer; the image holds " + FILES.keySet());
        Path built = Path.of(property("sparkgan.app.jar"));
        assertEquals(Files.size(built), jar.size(), "the jar in the image is " + built);
        assertArrayEquals(sha256(built), jar.sha256(), "the jar in the image is " + built);
        try (ZipFile zip = new ZipFile(built.toFile())) {
            String manifest = new String(
                    zip.getInputStream(zip.getEntry("META-INF/MANIFEST.MF")).readAllBytes());
            assertTrue(manifest.contains("Main-Class: io.sparkgan.jobs.cli.SparkGanCli"), manifest);
        }
    }

    /** What the CronJob's spark-submit and GPU executors read from the image. */
    @Test
    void theExecutorConfigsAndTheGpuDiscoveryScriptAreThere() {
        FileInImage script = FILES.get(DISCOVERY_SCRIPT_IN_IMAGE);
        assertNotNull(script, DISCOVERY_SCRIPT_IN_IMAGE + " in no layer; the image holds " + FILES.keySet());
        assertEquals(0755, script.mode() & 0777, "mode " + Integer.toOctalString(script.mode()));
        for (String conf : List.of("spark-defaults-cpu.conf", "spark-defaults-gpu.conf")) {
            assertTrue(FILES.containsKey("/opt/sparkgan/conf/" + conf), conf + " not in " + FILES.keySet());
        }
    }

    /** Jib's own layers (the classes and every dependency again, under /app) would double the image. */
    @Test
    void nothingButTheBaseAndSparkganFiles() {
        List<String> jibDefaults =
                FILES.keySet().stream().filter(path -> path.startsWith("/app/")).toList();
        assertEquals(List.of(), jibDefaults);
    }

    @Test
    void entrypointUserAndWorkingDirectoryAreTheSparkImages() {
        JsonNode container = config.get("config");
        assertEquals("[\"/opt/entrypoint.sh\"]", container.get("Entrypoint").toString(), container.toString());
        assertEquals("185", container.get("User").asText(), container.toString());
        assertEquals("/opt/spark/work-dir", container.get("WorkingDir").asText(), container.toString());
        assertEquals("linux", config.get("os").asText());
        assertEquals("amd64", config.get("architecture").asText());
    }

    /**
     * Spark's Kubernetes backend starts the driver and the executors through the official image's entrypoint, which
     * must come with the base (built here on the official image, or on cluster/kubernetes/stand-in-base.sh's copy of
     * its configuration where Docker Hub cannot be reached; Jib's scratch base has none).
     */
    @Test
    void theBaseImageBringsTheEntrypointAndSparkHome() {
        FileInImage entrypoint = FILES.get("/opt/entrypoint.sh");
        assertNotNull(entrypoint, "/opt/entrypoint.sh in no layer: the base image is not a Spark image");
        // user 185 owns nothing in the base: the entrypoint must be readable and executable by others
        assertEquals(05, entrypoint.mode() & 05, "mode " + Integer.toOctalString(entrypoint.mode()));
        List<String> env = new ArrayList<>();
        config.at("/config/Env").forEach(variable -> env.add(variable.asText()));
        assertTrue(env.contains("SPARK_HOME=/opt/spark"), "the base image's environment: " + env);
    }

    private static Map<String, FileInImage> readLayer(InputStream layer) throws Exception {
        // Jib writes gzip-compressed layers; a base from tar:// may bring uncompressed ones
        BufferedInputStream buffered = new BufferedInputStream(layer, 1 << 16);
        buffered.mark(2);
        boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
        buffered.reset();
        InputStream content = gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered;
        TarArchiveInputStream files = new TarArchiveInputStream(content);
        Map<String, FileInImage> inLayer = new HashMap<>();
        for (TarArchiveEntry entry; (entry = files.getNextTarEntry()) != null; ) {
            if (entry.isFile()) {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                long size = new DigestInputStream(files, digest).transferTo(OutputStream.nullOutputStream());
                inLayer.put(absolute(entry.getName()), new FileInImage(entry.getMode(), size, digest.digest()));
            }
        }
        content.transferTo(OutputStream.nullOutputStream());
        return inLayer;
    }

    private static String absolute(String tarPath) {
        String path = tarPath.startsWith("./") ? tarPath.substring(1) : tarPath;
        return path.startsWith("/") ? path : "/" + path;
    }

    private static byte[] sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return digest.digest();
    }

    /** Set by the image profile: the tarball and the application jar this build made. */
    private static String property(String name) {
        String value = System.getProperty(name);
        assertNotNull(value, name + " unset: run by mvn -Papp-jar,image verify");
        return value;
    }
}
