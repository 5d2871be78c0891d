package io.sparkgan.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reading back what a test wrote. */
final class Datasets {

    private Datasets() {}

    static DatasetManifest manifest(SparkSession spark, String uri) {
        return DatasetManifest.read(uri, spark.sparkContext().hadoopConfiguration());
    }

    /** All rows of a dataset, by id. */
    static Map<Long, Row> rowsById(SparkSession spark, String uri) {
        Map<Long, Row> rows = new TreeMap<>();
        for (Row row : DatasetReader.read(spark, uri).rows().collectAsList()) {
            rows.put(row.getLong(row.fieldIndex(DatasetSchema.ID)), row);
        }
        return rows;
    }

    /** Names in a local folder, to check that no temporary or displaced dataset was left behind. */
    static List<String> names(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
