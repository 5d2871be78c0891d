/**
 * A run directory's model-neutral parts on any Hadoop file system: storage with atomic replacement, committed and
 * verified checkpoints of any model (through its CheckpointFormat), the metrics logs, the trainer's lock, a graceful
 * stop on SIGTERM, fault injection for the tests, and config parse errors in one line. Imports only model-defs' JSON
 * and checkpoint-file helpers: no network and no job; every job that writes a run directory uses it.
 */
package io.sparkgan.jobs.run;
