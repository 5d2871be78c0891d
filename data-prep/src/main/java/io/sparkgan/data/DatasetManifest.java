package io.sparkgan.data;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code _manifest.json}, the description of a dataset that sits next to its Parquet shards. The leading
 * underscore makes Spark and other Parquet readers skip it when they read the directory.
 *
 * @param formatVersion {@link #FORMAT_VERSION}
 * @param count rows in all shards
 * @param labelNames label index to name; null when the dataset is unlabelled
 * @param classCounts rows per label index; null when unlabelled
 * @param channelMean per channel, on the 0..255 scale
 * @param channelStd per channel (population standard deviation), on the 0..255 scale
 * @param shards the Parquet files, relative to the dataset directory
 * @param source free text: what the dataset was made from
 * @param createdAt ISO-8601 UTC
 * @param properties free key/value provenance; may be empty
 */
// Unknown fields are tolerated so that later versions may add some without breaking older readers.
@JsonIgnoreProperties(ignoreUnknown = true)
public record DatasetManifest(
        int formatVersion,
        int height,
        int width,
        int channels,
        long count,
        List<String> labelNames,
        List<Long> classCounts,
        List<Double> channelMean,
        List<Double> channelStd,
        List<Shard> shards,
        String source,
        String createdAt,
        Map<String, String> properties) {

    public static final String FILE_NAME = "_manifest.json";
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public DatasetManifest {
        properties = properties == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(properties));
    }

    /** One Parquet file of the dataset and its row count. */
    public record Shard(String file, long rows) {}

    public ImageShape shape() {
        return new ImageShape(height, width, channels);
    }

    public boolean labelled() {
        return labelNames != null;
    }

    /** Label count, 0 when unlabelled. */
    public int numClasses() {
        return labelNames == null ? 0 : labelNames.size();
    }

    /** Reads and checks {@code <datasetUri>/_manifest.json}. */
    public static DatasetManifest read(String datasetUri, Configuration hadoopConf) {
        Path dir = new Path(datasetUri);
        Path file = new Path(dir, FILE_NAME);
        DatasetManifest manifest;
        try {
            FileSystem fs = fileSystem(dir, hadoopConf);
            if (!fs.exists(dir)) {
                throw new DatasetException("dataset " + datasetUri + " does not exist");
            }
            if (!fs.exists(file)) {
                throw new DatasetException("no " + FILE_NAME + " in " + datasetUri
                        + ": not a sparkgan dataset (those are written by 'sparkgan prep' or 'generate')");
            }
            try (InputStream in = fs.open(file)) {
                manifest = JSON.readValue(in, DatasetManifest.class);
            }
        } catch (JsonProcessingException e) {
            throw new DatasetException("manifest " + file + " is not valid: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e, e);
        }
        manifest.check(file.toString());
        return manifest;
    }

    /** Writes this manifest as {@code <datasetUri>/_manifest.json}, replacing any. */
    public void write(String datasetUri, Configuration hadoopConf) {
        Path file = new Path(new Path(datasetUri), FILE_NAME);
        try (OutputStream out = fileSystem(file, hadoopConf).create(file, true)) {
            JSON.writeValue(out, this);
        } catch (IOException e) {
            throw new DatasetException("cannot write " + file + ": " + e, e);
        }
    }

    /**
     * The file system for the manifest; on local disk without Hadoop's .crc side files, so that a manifest edited
     * by hand does not fail a stale checksum.
     */
    private static FileSystem fileSystem(Path path, Configuration hadoopConf) throws IOException {
        FileSystem fs = path.getFileSystem(hadoopConf);
        return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    }

    /** Human-readable summary: shape, count, classes with counts, mean/std, shards. */
    public String describe(String datasetUri) {
        StringBuilder out = new StringBuilder();
        out.append("dataset  ").append(datasetUri).append('\n');
        out.append("shape    ").append(shape()).append(" (height x width x channels)\n");
        out.append("count    ").append(count).append('\n');
        if (labelled()) {
            out.append("classes  ")
                    .append(numClasses())
                    .append(": ")
                    .append(IntStream.range(0, numClasses())
                            .mapToObj(i -> labelNames.get(i) + "=" + classCounts.get(i))
                            .collect(Collectors.joining(" ")))
                    .append('\n');
        } else {
            out.append("classes  none (unlabelled)\n");
        }
        out.append("mean     ").append(formatChannels(channelMean)).append('\n');
        out.append("std      ").append(formatChannels(channelStd)).append('\n');
        out.append("shards   ")
                .append(shards.size())
                .append(": ")
                .append(shards.stream()
                        .map(s -> s.file() + " (" + s.rows() + ")")
                        .collect(Collectors.joining(", ")))
                .append('\n');
        out.append("source   ").append(source).append('\n');
        out.append("created  ").append(createdAt).append('\n');
        return out.toString();
    }

    private static String formatChannels(List<Double> values) {
        return values.stream().map(v -> String.format("%.3f", v)).collect(Collectors.joining(" "));
    }

    /** Rejects manifests that the rest of sparkgan could not use, naming the file and the field. */
    private void check(String file) {
        if (formatVersion != FORMAT_VERSION) {
            throw new DatasetException(
                    file + " has formatVersion " + formatVersion + "; this sparkgan reads version " + FORMAT_VERSION);
        }
        if (height <= 0 || width <= 0 || (channels != 1 && channels != 3)) {
            throw new DatasetException(file + " has shape " + height + "x" + width + "x" + channels
                    + "; height and width must be positive and channels 1 or 3");
        }
        if (shards == null || shards.isEmpty()) {
            throw new DatasetException(file + " lists no shards");
        }
        if (channelMean == null
                || channelMean.size() != channels
                || channelStd == null
                || channelStd.size() != channels) {
            throw new DatasetException(file + " needs channelMean and channelStd with " + channels + " values each");
        }
        if (labelled() != (classCounts != null) || (labelled() && classCounts.size() != labelNames.size())) {
            throw new DatasetException(
                    file + " needs classCounts with one count per label name (both null when unlabelled)");
        }
    }
}
