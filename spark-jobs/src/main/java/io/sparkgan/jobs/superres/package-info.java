/**
 * The SRGAN: its local trainer and spec on the training master, its sample grids and content features, and upscaling
 * datasets with a run's G on the executors, with its evaluation. Imports data, engine, eval, run, spark, train and
 * model-defs.
 */
package io.sparkgan.jobs.superres;
