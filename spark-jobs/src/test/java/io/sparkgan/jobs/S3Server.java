package io.sparkgan.jobs;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An S3-compatible server on the loopback address: S3Proxy with its in-memory backend, in a JVM of its own (its
 * Guava and Jackson clash with Spark's), from the jar that the spark-jobs build copies to target/test-tools.
 * Requests must be signed with {@link #ACCESS_KEY} and {@link #SECRET_KEY}.
 */
public final class S3Server implements AutoCloseable {

    public static final String ACCESS_KEY = "sparkgan-test-access";
    public static final String SECRET_KEY = "sparkgan-test-secret";

    private static final Path JAR = Path.of("target", "test-tools", "s3proxy.jar");

    private final Process process;
    private final Path log;
    private final String endpoint;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private S3Server(Process process, Path log, String endpoint) {
        this.process = process;
        this.log = log;
        this.endpoint = endpoint;
    }

    /** Starts the server with its files (configuration, log) in {@code dir}; returns once it answers. */
    public static S3Server start(Path dir) throws IOException, InterruptedException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the test through Maven, whose"
                    + " generate-test-resources phase copies it there");
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port;
        Path properties = dir.resolve("s3proxy.properties");
        Files.writeString(
                properties,
                String.join(
                        "\n",
                        "s3proxy.endpoint=" + endpoint,
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=" + ACCESS_KEY,
                        "s3proxy.credential=" + SECRET_KEY,
                        "jclouds.provider=transient",
                        "jclouds.identity=unused",
                        "jclouds.credential=unused",
                        ""));
        Path log = dir.resolve("s3proxy.log");
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-jar",
                        JAR.toAbsolutePath().toString(),
                        "--properties",
                        properties.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        S3Server server = new S3Server(process, log, endpoint);
        try {
            server.awaitAnswer(Duration.ofSeconds(90));
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void awaitAnswer(Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited with " + process.exitValue() + ":\n" + logText());
            }
            try {
                // an unsigned request: any status means that it listens
                http.send(
                        HttpRequest.newBuilder(URI.create(endpoint + "/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (java.net.ConnectException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "S3Proxy did not answer at " + endpoint + " within " + limit + ":\n" + logText());
                }
                Thread.sleep(200);
            }
        }
    }

    /** The URL that S3A's {@code fs.s3a.endpoint} names. */
    public String endpoint() {
        return endpoint;
    }

    /**
     * The Hadoop settings that reach this server through S3A: endpoint, path-style access (no bucket in the host
     * name), plain HTTP, and the keys, read from the configuration only (never from the environment or an instance
     * profile).
     */
    public Map<String, String> hadoopConf() {
        return Map.of(
                "fs.s3a.endpoint", endpoint,
                "fs.s3a.endpoint.region", "us-east-1",
                "fs.s3a.path.style.access", "true",
                "fs.s3a.connection.ssl.enabled", "false",
                "fs.s3a.access.key", ACCESS_KEY,
                "fs.s3a.secret.key", SECRET_KEY,
                "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    }

    /** Creates a bucket: a PUT signed with S3's version 2 signature (S3A cannot create buckets). */
    public void createBucket(String bucket) throws IOException, InterruptedException {
        String date = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
                .format(ZonedDateTime.now(ZoneOffset.UTC));
        String stringToSign = "PUT\n\n\n\nx-amz-date:" + date + "\n/" + bucket;
        String signature;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(SECRET_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            signature = Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(endpoint + "/" + bucket))
                        .header("x-amz-date", date)
                        .header("Authorization", "AWS " + ACCESS_KEY + ":" + signature)
                        .PUT(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "creating bucket " + bucket + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }

    private String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "(no log)";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
