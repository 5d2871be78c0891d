/**
 * Spark helpers shared by the jobs: broadcasts, id-ordered batches, row decoding, task failures. Imports data
 * and the model root.
 */
package io.sparkgan.jobs.spark;
