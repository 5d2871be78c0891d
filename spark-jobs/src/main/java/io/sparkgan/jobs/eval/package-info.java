/**
 * Evaluation on Spark: the evaluator's training and storage, sample evaluation, dataset comparison. Imports
 * data, run, spark, charts and model-defs.
 */
package io.sparkgan.jobs.eval;
