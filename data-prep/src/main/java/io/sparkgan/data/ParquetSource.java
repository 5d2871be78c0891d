package io.sparkgan.data;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * {@code --from parquet}: a Parquet dataset written by any tool (Spark, pyarrow, DuckDB, ...).
 *
 * <p>The image column may hold raw uint8 HWC pixels (shaped by {@code height}/{@code width}/{@code channels}
 * columns or by {@code --shape}), PNG/JPEG bytes, a Hugging Face datasets struct {@code {bytes, path}} or
 * Spark's image struct. Labels, integer or string, become indexes into their sorted distinct values (integers
 * sorted numerically, so labels 0..n-1 keep their values). Rows are numbered in file-name order, then row
 * order within a file; that order defines "the first N" for {@code --limit} and the ids, unless the input has an
 * integer {@code id} column, which is kept.
 */
final class ParquetSource implements ImageSource {

    private static final String FILE = "_file";
    private static final String ROW_INDEX = "_row_index";
    private static final String OFFSET = "_offset";
    private static final String ROW_NUMBER = "_row_number";
    private static final Set<DataType> INTEGER_TYPES =
            Set.of(DataTypes.ByteType, DataTypes.ShortType, DataTypes.IntegerType, DataTypes.LongType);
    private static final Set<String> SPARK_IMAGE_FIELDS =
            Set.of("origin", "height", "width", "nChannels", "mode", "data");

    private final String input;
    private final String imageColumn;
    private final String labelColumn;
    private final ImageShape shape;

    /**
     * @param labelColumn the label column, or null for {@code label} when the input has one
     * @param shape the shape of raw pixels when the input has no shape columns, or null
     */
    ParquetSource(String input, String imageColumn, String labelColumn, ImageShape shape) {
        this.input = input;
        this.imageColumn = imageColumn;
        this.labelColumn = labelColumn;
        this.shape = shape;
    }

    @Override
    public PreparedImages prepare(SparkSession spark, PrepOptions options) {
        Dataset<Row> table = read(spark);
        StructType schema = table.schema();
        requireColumn(schema, imageColumn, "--image-col");
        String label = labelColumn != null
                ? requireColumn(schema, labelColumn, "--label-col")
                : hasColumn(schema, DatasetSchema.LABEL) ? DatasetSchema.LABEL : null;

        Dataset<Row> numbered = number(spark, table, options);
        Column ref = concat(col(FILE), lit(" row "), col(ROW_INDEX));
        List<String> labelNames = label == null ? null : labelNames(numbered, label, ref);
        Column labelIndex = labelNames == null
                ? lit(null).cast("int")
                : array_position(
                                array(labelNames.stream().map(name -> lit(name)).toArray(Column[]::new)),
                                col(label).cast("string"))
                        .minus(1)
                        .cast("int");
        Column id = hasColumn(schema, DatasetSchema.ID)
                        && isInteger(schema.apply(DatasetSchema.ID).dataType())
                ? col(DatasetSchema.ID).cast("long")
                : col(ROW_NUMBER);

        ImageColumns image = imageColumns(schema);
        StagedImages staged = new StagedImages(
                numbered.select(
                        ref.as(StagedImages.REF),
                        id.as(StagedImages.ID),
                        labelIndex.as(StagedImages.LABEL),
                        image.data.as(StagedImages.DATA),
                        image.height.as(StagedImages.HEIGHT),
                        image.width.as(StagedImages.WIDTH),
                        image.channels.as(StagedImages.CHANNELS),
                        image.mode.as(StagedImages.MODE)),
                image.layout,
                options.maxPixels());
        ImageShape target = options.targetShape(staged.survey());
        return new PreparedImages(
                staged.decode(target),
                labelNames,
                "parquet " + input + " (column " + imageColumn + ": " + image.description + ")");
    }

    private Dataset<Row> read(SparkSession spark) {
        try {
            return spark.read().parquet(input);
        } catch (Exception e) {
            // Scala throws AnalysisException (checked in Java) undeclared, e.g. for a missing path.
            if (e instanceof AnalysisException) {
                throw new DatasetException("cannot read Parquet input " + input + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * Adds the row's file, its index in the file and its number in the whole input; keeps the first
     * {@code --limit} rows. Row counts per file come from a job that reads no data columns.
     */
    private Dataset<Row> number(SparkSession spark, Dataset<Row> table, PrepOptions options) {
        Dataset<Row> located = table.select(
                col("*"),
                col("_metadata.file_path").as(FILE),
                col("_metadata.row_index").as(ROW_INDEX));
        List<Row> rowsPerFile = located.groupBy(FILE).count().orderBy(FILE).collectAsList();
        long total = rowsPerFile.stream().mapToLong(row -> row.getLong(1)).sum();
        if (total == 0) {
            throw new DatasetException("Parquet input " + input + " has no rows");
        }
        long keep = options.keep(total);
        List<Row> offsets = new ArrayList<>();
        long offset = 0;
        for (Row file : rowsPerFile) {
            if (offset >= keep) {
                break;
            }
            offsets.add(RowFactory.create(file.getString(0), offset));
            offset += file.getLong(1);
        }
        StructType offsetSchema =
                new StructType().add(FILE, DataTypes.StringType, false).add(OFFSET, DataTypes.LongType, false);
        return located.join(broadcast(spark.createDataFrame(offsets, offsetSchema)), FILE)
                .withColumn(ROW_NUMBER, col(OFFSET).plus(col(ROW_INDEX)))
                .filter(col(ROW_NUMBER).lt(keep));
    }

    /** Sorted distinct labels, as strings; fails on the first row without one. */
    private List<String> labelNames(Dataset<Row> numbered, String label, Column ref) {
        DataType type = numbered.schema().apply(label).dataType();
        if (!isInteger(type) && !(type instanceof StringType)) {
            throw new DatasetException("label column '" + label + "' of " + input + " has type " + type.simpleString()
                    + "; labels must be integers or strings");
        }
        List<Row> distinct = numbered.select(col(label)).distinct().collectAsList();
        if (distinct.stream().anyMatch(row -> row.isNullAt(0))) {
            Row first = numbered.filter(col(label).isNull())
                    .orderBy(ROW_NUMBER)
                    .select(ref)
                    .first();
            throw new DatasetException(first.getString(0) + " has no label (null in column '" + label + "' of " + input
                    + "); every row needs one");
        }
        Comparator<Row> order = type instanceof StringType
                ? Comparator.comparing((Row row) -> row.getString(0))
                : Comparator.comparingLong((Row row) -> ((Number) row.get(0)).longValue());
        return distinct.stream()
                .sorted(order)
                .map(row -> String.valueOf(row.get(0)))
                .toList();
    }

    /** Where the pixels, their shape and their layout come from, given the image column's type. */
    private record ImageColumns(
            StagedImages.Layout layout,
            Column data,
            Column height,
            Column width,
            Column channels,
            Column mode,
            String description) {}

    private ImageColumns imageColumns(StructType schema) {
        DataType type = schema.apply(imageColumn).dataType();
        Column none = lit(null).cast("int");
        if (shape != null && !(type instanceof BinaryType)) {
            throw new DatasetException("--shape applies to a binary image column, but '" + imageColumn + "' of " + input
                    + " is " + type.simpleString());
        }
        if (type instanceof BinaryType) {
            if (shape != null) {
                return new ImageColumns(
                        StagedImages.Layout.RAW,
                        col(imageColumn),
                        lit(shape.height()),
                        lit(shape.width()),
                        lit(shape.channels()),
                        none,
                        "raw pixels, --shape " + shape);
            }
            List<String> shapeColumns = List.of(DatasetSchema.HEIGHT, DatasetSchema.WIDTH, DatasetSchema.CHANNELS);
            if (shapeColumns.stream()
                    .allMatch(name -> hasColumn(schema, name)
                            && isInteger(schema.apply(name).dataType()))) {
                return new ImageColumns(
                        StagedImages.Layout.RAW,
                        col(imageColumn),
                        col(DatasetSchema.HEIGHT).cast("int"),
                        col(DatasetSchema.WIDTH).cast("int"),
                        col(DatasetSchema.CHANNELS).cast("int"),
                        none,
                        "raw pixels shaped by height/width/channels columns");
            }
            return new ImageColumns(
                    StagedImages.Layout.ENCODED, col(imageColumn), none, none, none, none, "PNG/JPEG bytes");
        }
        if (type instanceof StructType struct) {
            Set<String> fields = Set.of(struct.fieldNames());
            if (fields.containsAll(SPARK_IMAGE_FIELDS)) {
                return new ImageColumns(
                        StagedImages.Layout.SPARK_IMAGE,
                        col(imageColumn + ".data"),
                        col(imageColumn + ".height"),
                        col(imageColumn + ".width"),
                        col(imageColumn + ".nChannels"),
                        col(imageColumn + ".mode"),
                        "Spark image struct");
            }
            if (fields.contains("bytes") && struct.apply("bytes").dataType() instanceof BinaryType) {
                return new ImageColumns(
                        StagedImages.Layout.ENCODED,
                        col(imageColumn + ".bytes"),
                        none,
                        none,
                        none,
                        none,
                        "struct of PNG/JPEG bytes and path");
            }
        }
        throw new DatasetException("image column '" + imageColumn + "' of " + input + " has type " + type.simpleString()
                + "; expected binary (raw pixels or PNG/JPEG bytes), a struct with a binary 'bytes' field (Hugging Face"
                + " datasets) or Spark's image struct");
    }

    private String requireColumn(StructType schema, String name, String option) {
        if (!hasColumn(schema, name)) {
            throw new DatasetException("Parquet input " + input + " has no column '" + name + "' (" + option
                    + "); its columns are: " + String.join(", ", schema.fieldNames()));
        }
        return name;
    }

    private static boolean isInteger(DataType type) {
        return INTEGER_TYPES.contains(type);
    }

    private static boolean hasColumn(StructType schema, String name) {
        return Arrays.asList(schema.fieldNames()).contains(name);
    }
}
