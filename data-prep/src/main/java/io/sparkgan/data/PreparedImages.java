package io.sparkgan.data;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a source hands to the {@link DatasetWriter}.
 *
 * @param rows in {@link DatasetSchema#SCHEMA}, all of one shape; usually not computed yet
 * @param labelNames label index to name, null when unlabelled
 * @param description the manifest's {@code source} text
 */
record PreparedImages(Dataset<Row> rows, List<String> labelNames, String description) {}
