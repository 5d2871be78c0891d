/**
 * The model registry and gated retraining: versions, aliases, promotion by evaluation. Imports data, engine,
 * eval, run, train and model-defs.
 */
package io.sparkgan.jobs.registry;
