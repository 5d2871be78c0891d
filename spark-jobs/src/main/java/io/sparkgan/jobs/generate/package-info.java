/**
 * The generate job ({@code Generation}): synthetic datasets from a GAN run's checkpoint, written as Parquet with a
 * manifest or as PNG files, with class mixes and contact sheets. Imports data, eval, run, train and model-defs.
 */
package io.sparkgan.jobs.generate;
