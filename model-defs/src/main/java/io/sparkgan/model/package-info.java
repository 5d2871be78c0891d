/**
 * The model's configuration (GanModelConfig and SuperResolutionConfig, with their documented defaults), JSON and tensor
 * helpers. Knows nothing of Spark; imports only {@code losses} and {@code augment} (the config names their choices):
 * every other model-defs package builds on it.
 */
package io.sparkgan.model;
