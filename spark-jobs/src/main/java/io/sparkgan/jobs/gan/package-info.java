/**
 * The GAN on the training master: its local trainer behind the engine's seam, its round's spec and its sample grids.
 * Imports data, engine, run, spark, train and model-defs.
 */
package io.sparkgan.jobs.gan;
