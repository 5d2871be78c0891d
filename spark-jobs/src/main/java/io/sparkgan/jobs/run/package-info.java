/**
 * A run directory's model-neutral parts on any Hadoop file system: storage with atomic replacement, the metrics
 * logs, the trainer's lock, checkpoint files, a graceful stop on SIGTERM, and config parse errors in one line.
 * Imports only model-defs' JSON and checkpoint-file helpers, no network and no job; every job that writes a run
 * directory (train, train-encoder, retrain) uses it.
 */
package io.sparkgan.jobs.run;
