package io.sparkgan.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Opens a dataset for training or validation, failing early and by name on anything missing or mistyped. */
public final class DatasetReader {

    /** The Parquet physical type each dataset column must have. */
    private static final Map<String, PrimitiveTypeName> COLUMN_TYPES = Map.of(
            DatasetSchema.ID, PrimitiveTypeName.INT64,
            DatasetSchema.LABEL, PrimitiveTypeName.INT32,
            DatasetSchema.HEIGHT, PrimitiveTypeName.INT32,
            DatasetSchema.WIDTH, PrimitiveTypeName.INT32,
            DatasetSchema.CHANNELS, PrimitiveTypeName.INT32,
            DatasetSchema.IMAGE, PrimitiveTypeName.BINARY);

    private DatasetReader() {}

    /**
     * Reads the manifest, checks that every shard it lists exists and has the dataset columns with their types
     * (from the Parquet footers, on the driver, before any Spark job), and returns the rows of those shards.
     */
    public static ImageDataset read(SparkSession spark, String uri) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        DatasetManifest manifest = DatasetManifest.read(uri, conf);
        Path dir = new Path(uri);
        List<String> shardPaths = new ArrayList<>();
        try {
            FileSystem fs = dir.getFileSystem(conf);
            List<String> missing = new ArrayList<>();
            for (DatasetManifest.Shard shard : manifest.shards()) {
                Path path = new Path(dir, shard.file());
                if (fs.exists(path)) {
                    shardPaths.add(path.toString());
                } else {
                    missing.add(shard.file());
                }
            }
            if (!missing.isEmpty()) {
                throw new DatasetException("dataset " + uri + " is missing " + missing.size() + " of the "
                        + manifest.shards().size() + " shard files its manifest lists: " + String.join(", ", missing));
            }
            for (String path : shardPaths) {
                checkColumns(new Path(path), conf);
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read dataset " + uri + ": " + e, e);
        }
        Dataset<Row> rows = spark.read().schema(DatasetSchema.SCHEMA).parquet(shardPaths.toArray(new String[0]));
        return new ImageDataset(uri, manifest, rows);
    }

    private static void checkColumns(Path shard, Configuration conf) throws IOException {
        MessageType schema;
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(shard, conf))) {
            schema = reader.getFileMetaData().getSchema();
        } catch (RuntimeException e) {
            throw new DatasetException("shard " + shard + " is not a readable Parquet file: " + e, e);
        }
        for (String column : DatasetSchema.SCHEMA.fieldNames()) {
            if (!schema.containsField(column)) {
                throw new DatasetException("shard " + shard + " has no column '" + column + "'");
            }
            Type type = schema.getType(column);
            if (!hasType(type, COLUMN_TYPES.get(column))) {
                throw new DatasetException("shard " + shard + ": column '" + column + "' is " + type + ", expected "
                        + COLUMN_TYPES.get(column).name().toLowerCase());
            }
        }
    }

    /**
     * The physical type, with no annotation that changes its meaning: image bytes that are a string (UTF-8 text)
     * are refused, integers may only be annotated as signed integers of their own width.
     */
    private static boolean hasType(Type type, PrimitiveTypeName expected) {
        if (!type.isPrimitive() || type.asPrimitiveType().getPrimitiveTypeName() != expected) {
            return false;
        }
        LogicalTypeAnnotation annotation = type.getLogicalTypeAnnotation();
        return annotation == null
                || (annotation instanceof IntLogicalTypeAnnotation integer
                        && integer.isSigned()
                        && integer.getBitWidth() == (expected == PrimitiveTypeName.INT64 ? 64 : 32));
    }
}
