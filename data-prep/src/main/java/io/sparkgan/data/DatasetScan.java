package io.sparkgan.data;

import static io.sparkgan.data.DatasetSchema.CHANNELS;
import static io.sparkgan.data.DatasetSchema.HEIGHT;
import static io.sparkgan.data.DatasetSchema.ID;
import static io.sparkgan.data.DatasetSchema.IMAGE;
import static io.sparkgan.data.DatasetSchema.LABEL;
import static io.sparkgan.data.DatasetSchema.WIDTH;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * One pass over a dataset's rows that both the writer (to fill in the manifest) and the validator (to check
 * it) need: row counts per shard file, class counts, per-channel pixel sums, the shapes present, and the first
 * row that breaks the format. Each partition sums its rows on an executor; the driver adds up one small
 * summary per partition, in partition order, so "first" means first in scan order.
 */
final class DatasetScan implements Serializable {

    private static final String FILE = "_file";

    private final int numClasses;
    private long count;
    private final Map<String, Long> rowsPerFile = new TreeMap<>();
    private final long[] classCounts;
    private final long[] channelSums = new long[3];
    private final long[] channelSquares = new long[3];
    private final long[] channelValues = new long[3];
    private final Map<ImageShape, String> firstRowOfShape = new LinkedHashMap<>();
    private long badRows;
    private String firstBadRow;
    private String duplicateId;

    private DatasetScan(int numClasses) {
        this.numClasses = numClasses;
        this.classCounts = new long[numClasses];
    }

    /**
     * Scans rows read straight from Parquet files in the dataset schema.
     *
     * @param numClasses label count; 0 when the rows must be unlabelled
     */
    static DatasetScan run(Dataset<Row> rows, int numClasses) {
        Dataset<Row> withFile = rows.select(
                col("_metadata.file_name").as(FILE),
                col(ID),
                col(LABEL),
                col(HEIGHT),
                col(WIDTH),
                col(CHANNELS),
                col(IMAGE));
        List<DatasetScan> partitions = withFile.javaRDD()
                .mapPartitions(partition -> {
                    DatasetScan scan = new DatasetScan(numClasses);
                    partition.forEachRemaining(scan::add);
                    return List.of(scan).iterator();
                })
                .collect();
        DatasetScan total = new DatasetScan(numClasses);
        partitions.forEach(total::merge);
        total.duplicateId = findDuplicateId(withFile);
        return total;
    }

    private static String findDuplicateId(Dataset<Row> withFile) {
        List<Row> duplicates = withFile.groupBy(ID)
                .agg(
                        functions.count(functions.lit(1)).as("n"),
                        array_sort(collect_set(FILE)).as("files"))
                .filter(col("n").gt(1))
                .orderBy(ID)
                .limit(1)
                .collectAsList();
        if (duplicates.isEmpty()) {
            return null;
        }
        Row duplicate = duplicates.get(0);
        return "id " + duplicate.getLong(0) + " appears in " + duplicate.getLong(1) + " rows (in "
                + String.join(", ", duplicate.<String>getList(2)) + ")";
    }

    private void add(Row row) {
        String file = row.getString(0);
        count++;
        rowsPerFile.merge(file, 1L, Long::sum);
        if (row.isNullAt(1)) {
            bad("a row in " + file + " has a null id");
            return;
        }
        String where = "row id " + row.getLong(1) + " in " + file;
        if (row.isNullAt(3) || row.isNullAt(4) || row.isNullAt(5) || row.isNullAt(6)) {
            bad(where + " has a null height, width, channels or image");
            return;
        }
        int height = row.getInt(3);
        int width = row.getInt(4);
        int channels = row.getInt(5);
        if (height <= 0 || width <= 0 || (channels != 1 && channels != 3)) {
            bad(where + " has shape " + height + "x" + width + "x" + channels
                    + "; height and width must be positive and channels 1 or 3");
            return;
        }
        byte[] pixels = row.getAs(6);
        if (pixels.length != height * width * channels) {
            bad(where + " has " + pixels.length + " image bytes; its shape " + height + "x" + width + "x" + channels
                    + " needs " + height * width * channels);
            return;
        }
        Integer label = row.isNullAt(2) ? null : row.getInt(2);
        if (numClasses == 0 && label != null) {
            bad(where + " has label " + label + " but the dataset is unlabelled");
            return;
        }
        if (numClasses > 0 && (label == null || label < 0 || label >= numClasses)) {
            bad(where + " has label " + label + "; labels must be 0.." + (numClasses - 1));
            return;
        }
        firstRowOfShape.putIfAbsent(new ImageShape(height, width, channels), where);
        if (label != null) {
            classCounts[label]++;
        }
        for (int i = 0; i < pixels.length; i++) {
            int value = pixels[i] & 0xff;
            int channel = i % channels;
            channelSums[channel] += value;
            channelSquares[channel] += value * value;
            channelValues[channel]++;
        }
    }

    private void bad(String problem) {
        if (badRows++ == 0) {
            firstBadRow = problem;
        }
    }

    private void merge(DatasetScan other) {
        count += other.count;
        other.rowsPerFile.forEach((file, rows) -> rowsPerFile.merge(file, rows, Long::sum));
        for (int i = 0; i < numClasses; i++) {
            classCounts[i] += other.classCounts[i];
        }
        for (int i = 0; i < 3; i++) {
            channelSums[i] += other.channelSums[i];
            channelSquares[i] += other.channelSquares[i];
            channelValues[i] += other.channelValues[i];
        }
        other.firstRowOfShape.forEach(firstRowOfShape::putIfAbsent);
        if (firstBadRow == null) {
            firstBadRow = other.firstBadRow;
        }
        badRows += other.badRows;
    }

    long count() {
        return count;
    }

    /** Rows per shard file name, sorted by name. */
    Map<String, Long> rowsPerFile() {
        return rowsPerFile;
    }

    /** Rows per label index; empty when unlabelled. */
    List<Long> classCounts() {
        List<Long> counts = new ArrayList<>();
        for (long c : classCounts) {
            counts.add(c);
        }
        return counts;
    }

    /** Each shape found among the well-formed rows, with the first row that has it. */
    Map<ImageShape, String> firstRowOfShape() {
        return firstRowOfShape;
    }

    long badRows() {
        return badRows;
    }

    /** The first row that breaks the format and how, or null. */
    String firstBadRow() {
        return firstBadRow;
    }

    /** An id found in more than one row, with the files holding them, or null. */
    String duplicateId() {
        return duplicateId;
    }

    List<Double> channelMean(int channels) {
        List<Double> means = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            means.add(channelValues[c] == 0 ? 0.0 : (double) channelSums[c] / channelValues[c]);
        }
        return means;
    }

    /** Population standard deviation; the sums are exact integers, so the result does not depend on row order. */
    List<Double> channelStd(int channels) {
        List<Double> stds = new ArrayList<>();
        List<Double> means = channelMean(channels);
        for (int c = 0; c < channels; c++) {
            double meanOfSquares = channelValues[c] == 0 ? 0.0 : (double) channelSquares[c] / channelValues[c];
            stds.add(Math.sqrt(Math.max(0, meanOfSquares - means.get(c) * means.get(c))));
        }
        return stds;
    }
}
