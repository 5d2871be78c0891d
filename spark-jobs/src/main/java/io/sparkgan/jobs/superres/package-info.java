/**
 * Upscaling datasets with a super-resolution run's G on the executors, and its evaluation. Imports data, eval,
 * run, spark, train and model-defs.
 */
package io.sparkgan.jobs.superres;
