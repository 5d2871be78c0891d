package io.sparkgan.data;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A dataset opened by {@link DatasetReader#read}: its manifest and its rows in {@link DatasetSchema#SCHEMA},
 * read from exactly the shard files the manifest lists.
 */
public record ImageDataset(String uri, DatasetManifest manifest, Dataset<Row> rows) {}
