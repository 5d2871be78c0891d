/**
 * Training a G and D pair on the engine, whatever the model: the training master (rounds, checkpoints, recovery,
 * evaluation), its config, the pair's checkpoints and the seam a model plugs in by ({@code ModelTraining}). Imports
 * data, engine, eval, run, spark and model-defs; never a model package ({@code gan}, {@code superres}).
 */
package io.sparkgan.jobs.train;
