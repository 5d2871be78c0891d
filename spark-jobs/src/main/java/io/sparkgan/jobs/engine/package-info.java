/**
 * The model-blind data-parallel engine: rounds of local steps on each partition, averaging of parameters and
 * optimizer state, shards, minibatches and memory checks. Imports data, run (fault injection), spark and model-defs;
 * no job.
 */
package io.sparkgan.jobs.engine;
