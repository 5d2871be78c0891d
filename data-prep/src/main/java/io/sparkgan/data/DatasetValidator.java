package io.sparkgan.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Checks a dataset's rows against its manifest and the format. */
public final class DatasetValidator {

    /** Mean and std come from exact integer sums, so a recomputation agrees to rounding error only. */
    private static final double STATISTICS_TOLERANCE = 1e-6;

    private DatasetValidator() {}

    /**
     * Opens the dataset with {@link DatasetReader#read} (which throws {@link DatasetException} for a missing
     * dataset, manifest or shard, or a mistyped column), then scans every row once: total and per-shard counts,
     * each row's shape against the manifest's, image byte length, labels within range (null when unlabelled),
     * class counts, channel statistics and unique ids. A row-level problem names the first offending row by
     * shard file and id.
     */
    public static ValidationReport validate(SparkSession spark, String uri) {
        ImageDataset dataset = DatasetReader.read(spark, uri);
        DatasetManifest manifest = dataset.manifest();
        DatasetScan scan = DatasetScan.run(dataset.rows(), manifest.numClasses());
        List<String> problems = new ArrayList<>();

        if (scan.count() != manifest.count()) {
            problems.add("the manifest says " + manifest.count() + " rows, the shards hold " + scan.count());
        }
        for (DatasetManifest.Shard shard : manifest.shards()) {
            long rows = scan.rowsPerFile().getOrDefault(shard.file(), 0L);
            if (rows != shard.rows()) {
                problems.add("shard " + shard.file() + " holds " + rows + " rows, the manifest says " + shard.rows());
            }
        }
        if (scan.firstBadRow() != null) {
            problems.add(scan.badRows() + " rows break the format; the first: " + scan.firstBadRow());
        }
        for (Map.Entry<ImageShape, String> shape : scan.firstRowOfShape().entrySet()) {
            if (!shape.getKey().equals(manifest.shape())) {
                problems.add(shape.getValue() + " has shape " + shape.getKey() + " but the manifest says "
                        + manifest.shape());
            }
        }
        if (manifest.labelled() && !scan.classCounts().equals(manifest.classCounts())) {
            problems.add("class counts are " + scan.classCounts() + ", the manifest says " + manifest.classCounts());
        }
        if (scan.duplicateId() != null) {
            problems.add("ids are not unique: " + scan.duplicateId());
        }
        // Statistics are only comparable when every row could be counted.
        if (problems.isEmpty()) {
            compare("channelMean", scan.channelMean(manifest.channels()), manifest.channelMean(), problems);
            compare("channelStd", scan.channelStd(manifest.channels()), manifest.channelStd(), problems);
        }
        return new ValidationReport(uri, manifest, problems);
    }

    private static void compare(String field, List<Double> actual, List<Double> recorded, List<String> problems) {
        for (int c = 0; c < actual.size(); c++) {
            if (Math.abs(actual.get(c) - recorded.get(c)) > STATISTICS_TOLERANCE) {
                problems.add("the manifest's " + field + " is " + recorded + ", the rows give " + actual);
                return;
            }
        }
    }
}
