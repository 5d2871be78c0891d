/**
 * Synthetic datasets from a run's checkpoint, written as Parquet with a manifest or as PNG files. Imports data,
 * eval and model-defs.
 */
package io.sparkgan.jobs.generate;
