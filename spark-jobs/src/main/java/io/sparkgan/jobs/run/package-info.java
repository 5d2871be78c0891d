/**
 * A run directory's model-neutral parts on any Hadoop file system: the run directory itself (run.json: identity,
 * config, starts; new, overwrite or resume of the same run), the config every run has ({@code RunConfig}, which each
 * model's config extends), storage with atomic replacement, committed and verified checkpoints of any model (through
 * its CheckpointFormat), the metrics logs, the trainer's lock, a graceful stop on SIGTERM, fault injection for the
 * tests, config parse errors in one line and the build's version. Imports only model-defs' JSON and checkpoint-file
 * helpers: no network, no model and no job; every job that writes a run directory uses it.
 */
package io.sparkgan.jobs.run;
