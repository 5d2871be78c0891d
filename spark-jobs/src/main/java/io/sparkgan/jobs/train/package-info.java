/**
 * GAN and SRGAN training on the engine: the training master, the local trainers behind the engine's seam,
 * the run directory's GAN config and checkpoints, sampling and evaluation while training. Imports data, engine, eval,
 * run, spark and model-defs.
 */
package io.sparkgan.jobs.train;
