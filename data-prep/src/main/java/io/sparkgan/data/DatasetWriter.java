package io.sparkgan.data;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * <p>Everything is written to a hidden sibling directory first and renamed into place at the end, so a failed
 * write leaves neither a half dataset nor a damaged old one. With overwrite the old dataset is moved aside,
 * the new one renamed in, and only then the old one deleted. (On object stores such as S3 a directory rename
 * is a copy, so there the switch is not atomic, but a failure still never leaves a half dataset in place.)
 */
public final class DatasetWriter {

  private static final Logger LOG = LoggerFactory.getLogger(DatasetWriter.class);

  private final SparkSession spark;
  private final Configuration conf;
  private final FileSystem fs;
  private final Path target;
  private final Integer shards;
  private final boolean overwrite;

  /**
   * Checks the target at once, so that a prep refuses before it reads any input.
   *
   * @param targetUri the dataset directory, on any Hadoop file system
   * @param shards exact number of Parquet files, or null for one per partition of the rows
   * @param overwrite replace an existing dataset (never a directory that is not a dataset)
   */
  public DatasetWriter(SparkSession spark, String targetUri, Integer shards, boolean overwrite) {
    if (shards != null && shards < 1) {
      throw new DatasetException("the shard count must be at least 1, got " + shards);
    }
    this.spark = spark;
    this.conf = spark.sparkContext().hadoopConfiguration();
    this.shards = shards;
    this.overwrite = overwrite;
    try {
      Path path = new Path(targetUri);
      this.fs = path.getFileSystem(conf);
      this.target = fs.makeQualified(path);
      if (target.getParent() == null) {
        throw new DatasetException("cannot write a dataset to the root directory " + target);
      }
      checkTarget();
    } catch (IOException e) {
      throw new DatasetException("cannot check output " + targetUri + ": " + e, e);
    }
  }

  private void checkTarget() throws IOException {
    if (!fs.exists(target)) {
      return;
    }
    if (!overwrite) {
      throw new DatasetException("output " + target + " already exists; pass --overwrite to replace it");
    }
    boolean isDataset = fs.exists(new Path(target, DatasetManifest.FILE_NAME));
    if (!isDataset && (fs.isFile(target) || fs.listStatus(target).length > 0)) {
      throw new DatasetException("output " + target + " exists and is not a sparkgan dataset (it has no "
          + DatasetManifest.FILE_NAME + "); --overwrite only replaces datasets, delete it yourself if it should go");
    }
  }

  /**
   * Writes the rows, computes the manifest's statistics from what was written, checks the rows (shape,
   * image length, labels, unique ids) and moves the dataset into place.
   *
   * @param labelNames label index to name, or null for unlabelled rows (whose label must be null)
   * @param source free text for the manifest: what the rows were made from
   * @param properties provenance for the manifest
   */
  public DatasetManifest write(Dataset<Row> rows, List<String> labelNames, String source,
      Map<String, String> properties) {
    DatasetSchema.requireColumns(rows.schema(), "the rows to write to " + target);
    Path temp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    try {
      Dataset<Row> columns = rows.selectExpr(DatasetSchema.SCHEMA.fieldNames());
      (shards == null ? columns : columns.repartition(shards)).write().parquet(temp.toString());
      List<String> shardFiles = nameShards(temp);
      DatasetManifest manifest = describe(temp, shardFiles, labelNames, source, properties);
      manifest.write(temp.toString(), conf);
      moveIntoPlace(temp);
      LOG.info("wrote {} rows in {} shards to {}", manifest.count(), shardFiles.size(), target);
      return manifest;
    } catch (Exception e) {
      // Exception, not RuntimeException: Spark throws its checked SparkException undeclared.
      delete(temp);
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
        rename(part.getPath(), new Path(dir, name));
        names.add(name);
      }
      return names;
    } catch (IOException e) {
      throw new DatasetException("cannot name the shards in " + dir + ": " + e, e);
    }
  }

  private DatasetManifest describe(Path dir, List<String> shardFiles, List<String> labelNames, String source,
      Map<String, String> properties) {
    String[] paths = shardFiles.stream().map(name -> new Path(dir, name).toString()).toArray(String[]::new);
    DatasetScan scan = DatasetScan.run(spark.read().schema(DatasetSchema.SCHEMA).parquet(paths),
        labelNames == null ? 0 : labelNames.size());
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
    return new DatasetManifest(DatasetManifest.FORMAT_VERSION, shape.height(), shape.width(), shape.channels(),
        scan.count(), labelNames == null ? null : List.copyOf(labelNames),
        labelNames == null ? null : scan.classCounts(),
        scan.channelMean(shape.channels()), scan.channelStd(shape.channels()), shardList, source,
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), properties);
  }

  private void moveIntoPlace(Path temp) {
    try {
      if (!fs.exists(target)) {
        rename(temp, target);
        return;
      }
      // Checked again: the target may have appeared while the rows were being written.
      checkTarget();
      Path old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
      rename(target, old);
      try {
        rename(temp, target);
      } catch (DatasetException e) {
        rename(old, target);
        throw e;
      }
      delete(old);
    } catch (IOException e) {
      throw new DatasetException("cannot move the new dataset into " + target + ": " + e, e);
    }
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new DatasetException("cannot rename " + from + " to " + to);
    }
  }

  private void delete(Path path) {
    try {
      fs.delete(path, true);
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", path, e.toString());
    }
  }
}
