/**
 * The f-AnoGAN jobs: encoder training on the engine, scoring datasets, their charts and records. Imports data,
 * model-defs, engine, run, spark, charts and train (the GAN run it scores).
 */
package io.sparkgan.jobs.anomaly;
