package io.sparkgan.jobs.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * This build's version, from the resource the build fills in with the pom's version: a jar's manifest would not do,
 * as bin/sparkgan runs the classes from target/classes and the shaded application jar merges many manifests.
 */
public final class SparkganVersion {

    private static final String RESOURCE = "sparkgan-version.properties";
    private static final String VERSION = load();

    private SparkganVersion() {}

    /** The version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = SparkganVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown (" + RESOURCE + " is not on the classpath)";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
