package io.sparkgan.data;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows in {@link DatasetSchema#SCHEMA} as a dataset: Parquet shards plus {@code _manifest.json}.
 *
 * <p>Everything is written to a hidden sibling directory first and renamed into place at the end
 * ({@link OutputDirectory}), so a failed write leaves neither a half dataset nor a damaged old one.
 */
public final class DatasetWriter {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetWriter.class);

    private final SparkSession spark;
    private final Configuration conf;
    private final OutputDirectory output;
    private final FileSystem fs;
    private final Path target;
    private final Integer shards;

    /**
     * Checks the target at once, so that a prep refuses before it reads any input.
     *
     * @param targetUri the dataset directory, on any Hadoop file system
     * @param shards exact number of Parquet files, or null for one per partition of the rows
     * @param overwrite replace an existing dataset (never a directory that is not a dataset, nor one that holds a
     *     trained evaluator)
     */
    public DatasetWriter(SparkSession spark, String targetUri, Integer shards, boolean overwrite) {
        this(spark, targetUri, shards, overwrite, false);
    }

    /**
     * @param dropEvaluator with overwrite: delete the old dataset's trained evaluator ({@link OutputDirectory#EVALUATOR})
     *     with it
     */
    public DatasetWriter(
            SparkSession spark, String targetUri, Integer shards, boolean overwrite, boolean dropEvaluator) {
        if (shards != null && shards < 1) {
            throw new DatasetException("the shard count must be at least 1, got " + shards);
        }
        this.spark = spark;
        this.conf = spark.sparkContext().hadoopConfiguration();
        this.shards = shards;
        this.output = new OutputDirectory(
                conf, targetUri, overwrite, dropEvaluator, DatasetManifest.FILE_NAME, "sparkgan dataset");
        this.fs = output.fileSystem();
        this.target = output.target();
    }

    /** What a command checks, or adds to the dataset, once the dataset is written and before it is moved in. */
    @FunctionalInterface
    public interface Completion {
        /**
         * @param directory the temporary directory that becomes the dataset, to add files to
         * @param manifest the dataset's manifest, already written there
         * @throws IOException (or any exception) to abandon the dataset: nothing is moved into place
         */
        void complete(Path directory, DatasetManifest manifest) throws IOException;
    }

    /**
     * Writes the rows, computes the manifest's statistics from what was written, checks the rows (shape,
     * image length, labels, unique ids) and moves the dataset into place.
     *
     * @param labelNames label index to name, or null for unlabelled rows (whose label must be null)
     * @param source free text for the manifest: what the rows were made from
     * @param properties provenance for the manifest
     */
    public DatasetManifest write(
            Dataset<Row> rows, List<String> labelNames, String source, Map<String, String> properties) {
        return write(rows, labelNames, source, properties, (directory, manifest) -> {});
    }

    /**
     * As {@link #write(Dataset, List, String, Map)}, with a command's last checks and files before the dataset
     * is moved into place, so that an output that fails them never appears complete.
     */
    public DatasetManifest write(
            Dataset<Row> rows,
            List<String> labelNames,
            String source,
            Map<String, String> properties,
            Completion completion) {
        DatasetSchema.requireColumns(rows.schema(), "the rows to write to " + target);
        Path temp = output.temporary();
        try {
            Dataset<Row> columns = rows.selectExpr(DatasetSchema.SCHEMA.fieldNames());
            (shards == null ? columns : columns.repartition(shards)).write().parquet(temp.toString());
            List<String> shardFiles = nameShards(temp);
            DatasetManifest manifest = describe(temp, shardFiles, labelNames, source, properties);
            manifest.write(temp.toString(), conf);
            completion.complete(temp, manifest);
            output.commit(temp);
            LOG.info("wrote {} rows in {} shards to {}", manifest.count(), shardFiles.size(), target);
            return manifest;
        } catch (Exception e) {
            // Exception, not RuntimeException: Spark throws its checked SparkException undeclared.
            output.discard(temp);
            DatasetException reason = DatasetException.findIn(e);
            throw reason != null ? reason : new DatasetException("cannot write " + target + ": " + e, e);
        }
    }

    /** Renames Spark's part files to shard-NNNNN.parquet and drops its _SUCCESS marker. */
    private List<String> nameShards(Path dir) {
        try {
            fs.delete(new Path(dir, "_SUCCESS"), false);
            FileStatus[] parts = fs.listStatus(dir, path -> path.getName().startsWith("part-"));
            Arrays.sort(parts);
            List<String> names = new ArrayList<>();
            for (FileStatus part : parts) {
                String name = String.format("shard-%05d.parquet", names.size());
                output.rename(part.getPath(), new Path(dir, name));
                names.add(name);
            }
            return names;
        } catch (IOException e) {
            throw new DatasetException("cannot name the shards in " + dir + ": " + e, e);
        }
    }

    private DatasetManifest describe(
            Path dir, List<String> shardFiles, List<String> labelNames, String source, Map<String, String> properties) {
        String[] paths =
                shardFiles.stream().map(name -> new Path(dir, name).toString()).toArray(String[]::new);
        DatasetScan scan = DatasetScan.run(
                spark.read().schema(DatasetSchema.SCHEMA).parquet(paths), labelNames == null ? 0 : labelNames.size());
        if (scan.count() == 0) {
            throw new DatasetException("no rows to write to " + target);
        }
        if (scan.firstBadRow() != null) {
            throw new DatasetException("cannot write " + target + ": " + scan.badRows()
                    + " rows break the dataset format; first: " + scan.firstBadRow());
        }
        if (scan.firstRowOfShape().size() > 1) {
            throw new DatasetException("cannot write " + target + ": the rows have different shapes: "
                    + scan.firstRowOfShape().entrySet().stream()
                            .map(shape -> shape.getKey() + " (first " + shape.getValue() + ")")
                            .collect(Collectors.joining(", ")));
        }
        if (scan.duplicateId() != null) {
            throw new DatasetException("cannot write " + target + ": ids must be unique, but " + scan.duplicateId());
        }
        if (shards != null && shardFiles.size() != shards) {
            throw new DatasetException("--shards " + shards + " asked for " + shards + " files but only "
                    + shardFiles.size() + " received rows (" + scan.count() + " rows in all); use fewer shards");
        }
        ImageShape shape = scan.firstRowOfShape().keySet().iterator().next();
        List<DatasetManifest.Shard> shardList = shardFiles.stream()
                .map(name -> new DatasetManifest.Shard(name, scan.rowsPerFile().getOrDefault(name, 0L)))
                .toList();
        return new DatasetManifest(
                DatasetManifest.FORMAT_VERSION,
                shape.height(),
                shape.width(),
                shape.channels(),
                scan.count(),
                labelNames == null ? null : List.copyOf(labelNames),
                labelNames == null ? null : scan.classCounts(),
                scan.channelMean(shape.channels()),
                scan.channelStd(shape.channels()),
                shardList,
                source,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                properties);
    }
}
