package io.sparkgan.data.export;

import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetReader;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ErrorMessages;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.data.ImageShape;
import io.sparkgan.data.OutputFile;
import io.sparkgan.data.SparkOptions;
import io.sparkgan.data.SparkSessions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkgan export}: a dataset or a table of numbers as a numpy {@code .npz} archive ({@link NumpyArray}). */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Writes a sparkgan dataset, or any Parquet table of numbers, as a numpy .npz archive.",
            "",
            "For Python without a Parquet reader (the notebooks). A dataset gives images (uint8, N x H x W x"
                    + " C), labels (int32, -1 where none) and ids (int64) in id order; another table, such as the"
                    + " scores/ of 'sparkgan score', one array per numeric column (in id order when it has an id"
                    + " column). Everything passes through the driver: use --limit or --ids for large data.",
            "",
            "Exit codes: 0 done, 2 bad options or input."
        })
public final class ExportCommand implements Callable<Integer> {

    static final int FAILED = 2;

    @Mixin
    SparkOptions sparkOptions;

    @Option(names = "--data", required = true, paramLabel = "URI", description = "the dataset or Parquet table")
    String data;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "the .npz file to write")
    String output;

    @Option(names = "--limit", paramLabel = "N", description = "only the first N rows (by id)")
    Integer limit;

    @Option(
            names = "--ids",
            paramLabel = "IDS|FILE",
            description = "only the rows with these ids, in this order: comma-separated (3,17,42), or a file of ids"
                    + " separated by commas or white space; the file may be on any file system")
    String ids;

    @Option(names = "--overwrite", description = "replace an existing --output")
    boolean overwrite;

    @Override
    public Integer call() {
        try {
            if (limit != null && limit < 1) {
                throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
            }
            if (limit != null && ids != null) {
                throw new IllegalArgumentException("--limit and --ids exclude each other: give one");
            }
            if (!output.endsWith(".npz")) {
                throw new IllegalArgumentException("--output must name a .npz file, got " + output);
            }
            SparkSession spark = SparkSessions.getOrCreate("sparkgan export", sparkOptions);
            Configuration conf = spark.sparkContext().hadoopConfiguration();
            Path target = new Path(output);
            FileSystem fs = target.getFileSystem(conf);
            OutputFile.refuseExisting(fs, target, output, overwrite);
            long[] wanted = ids == null ? null : parseIds(conf);
            boolean dataset = new Path(data, DatasetManifest.FILE_NAME)
                    .getFileSystem(conf)
                    .exists(new Path(data, DatasetManifest.FILE_NAME));
            Map<String, NumpyArray> arrays = dataset ? datasetArrays(spark, wanted) : tableArrays(spark, wanted);
            OutputFile.write(fs, target, out -> NumpyArray.writeArchive(out, arrays));
            System.out.printf("exported %s to %s: %s%n", data, output, describe(arrays));
            return 0;
        } catch (Exception e) {
            System.err.println("error: " + ErrorMessages.of(e));
            if (sparkOptions.verbose) {
                e.printStackTrace();
            }
            return FAILED;
        }
    }

    private Map<String, NumpyArray> datasetArrays(SparkSession spark, long[] wanted) {
        ImageDataset dataset = DatasetReader.read(spark, data);
        ImageShape shape = dataset.manifest().shape();
        List<Row> rows = selectRows(dataset.rows(), wanted);
        int size = shape.height() * shape.width() * shape.channels();
        byte[] images = new byte[rows.size() * size];
        int[] labels = new int[rows.size()];
        long[] ids = new long[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            byte[] pixels = DatasetSchema.image(row).pixels();
            if (pixels.length != size) {
                throw new IllegalArgumentException("dataset " + data + ": the image of row id "
                        + row.getLong(row.fieldIndex(DatasetSchema.ID)) + " is not " + shape);
            }
            System.arraycopy(pixels, 0, images, i * size, size);
            Integer label = DatasetSchema.label(row);
            labels[i] = label == null ? -1 : label;
            ids[i] = row.getLong(row.fieldIndex(DatasetSchema.ID));
        }
        Map<String, NumpyArray> arrays = new LinkedHashMap<>();
        arrays.put("images", NumpyArray.uint8(images, rows.size(), shape.height(), shape.width(), shape.channels()));
        arrays.put("labels", NumpyArray.int32(labels, rows.size()));
        arrays.put("ids", NumpyArray.int64(ids, rows.size()));
        return arrays;
    }

    private Map<String, NumpyArray> tableArrays(SparkSession spark, long[] wanted) {
        Dataset<Row> table = spark.read().parquet(data);
        List<Row> rows = selectRows(table, wanted);
        Map<String, NumpyArray> arrays = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        StructField[] fields = table.schema().fields();
        for (int f = 0; f < fields.length; f++) {
            DataType type = fields[f].dataType();
            int n = rows.size();
            if (type == DataTypes.LongType) {
                long[] values = new long[n];
                for (int i = 0; i < n; i++) {
                    values[i] = rows.get(i).isNullAt(f) ? -1 : rows.get(i).getLong(f);
                }
                arrays.put(fields[f].name(), NumpyArray.int64(values, n));
            } else if (type == DataTypes.IntegerType || type == DataTypes.ShortType || type == DataTypes.ByteType) {
                int[] values = new int[n];
                for (int i = 0; i < n; i++) {
                    values[i] =
                            rows.get(i).isNullAt(f) ? -1 : ((Number) rows.get(i).get(f)).intValue();
                }
                arrays.put(fields[f].name(), NumpyArray.int32(values, n));
            } else if (type == DataTypes.DoubleType || type == DataTypes.FloatType) {
                double[] values = new double[n];
                for (int i = 0; i < n; i++) {
                    values[i] = rows.get(i).isNullAt(f)
                            ? Double.NaN
                            : ((Number) rows.get(i).get(f)).doubleValue();
                }
                arrays.put(fields[f].name(), NumpyArray.float64(values, n));
            } else {
                skipped.add(fields[f].name() + " (" + type.simpleString() + ")");
            }
        }
        if (arrays.isEmpty()) {
            throw new IllegalArgumentException(data + " has no numeric columns, only " + skipped);
        }
        if (!skipped.isEmpty()) {
            System.err.println("export: columns that are not numbers left out: " + String.join(", ", skipped));
        }
        return arrays;
    }

    /** The rows asked for: those of {@code wanted} in its order, else the first --limit (or all) by id. */
    private List<Row> selectRows(Dataset<Row> rows, long[] wanted) {
        boolean hasIds = List.of(rows.columns()).contains(DatasetSchema.ID);
        if (wanted == null) {
            Dataset<Row> ordered = hasIds ? rows.orderBy(DatasetSchema.ID) : rows;
            return (limit == null ? ordered : ordered.limit(limit)).collectAsList();
        }
        if (!hasIds) {
            throw new IllegalArgumentException("--ids: " + data + " has no " + DatasetSchema.ID + " column");
        }
        // an IN filter that Parquet can push down: row groups whose id range holds none of them are not read
        Object[] distinct = LongStream.of(wanted).distinct().boxed().toArray();
        Map<Long, Row> found = new HashMap<>();
        for (Row row :
                rows.where(functions.col(DatasetSchema.ID).isin(distinct)).collectAsList()) {
            found.put(row.getLong(row.fieldIndex(DatasetSchema.ID)), row);
        }
        List<Long> missing = LongStream.of(wanted)
                .filter(id -> !found.containsKey(id))
                .distinct()
                .boxed()
                .toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("--ids: " + data + " has no row with id "
                    + missing.stream().limit(10).map(String::valueOf).collect(Collectors.joining(", "))
                    + (missing.size() > 10 ? " (and " + (missing.size() - 10) + " more)" : ""));
        }
        return LongStream.of(wanted).mapToObj(found::get).toList();
    }

    /** --ids as numbers: a comma-separated list, or a file of them. */
    private long[] parseIds(Configuration conf) throws IOException {
        boolean inline = ids.isBlank() || ids.matches("[0-9,\\s]+");
        String text;
        if (inline) {
            text = ids;
        } else {
            Path file = new Path(ids);
            FileSystem fs = file.getFileSystem(conf);
            if (!fs.exists(file)) {
                throw new IllegalArgumentException("--ids " + ids + " is neither a list of ids (3,17,42) nor a file");
            }
            try (InputStream in = fs.open(file)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        String where = inline ? "--ids" : "--ids file " + ids;
        List<Long> values = new ArrayList<>();
        for (String token : text.trim().split("[,\\s]+")) {
            if (token.isEmpty()) {
                continue;
            }
            try {
                values.add(Long.parseLong(token));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": '" + token + "' is not an id (a whole number)");
            }
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException(where + " holds no ids");
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static String describe(Map<String, NumpyArray> arrays) {
        List<String> parts = new ArrayList<>();
        arrays.forEach((name, array) ->
                parts.add(name + " " + array.dtype() + " " + java.util.Arrays.toString(array.shape())));
        return String.join(", ", parts);
    }
}
