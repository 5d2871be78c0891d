/**
 * The model's configuration (GanModelConfig and SuperResolutionConfig, with their documented defaults), the
 * adversarial losses, differentiable augmentation, JSON and tensor helpers. Knows nothing of Spark; imports no sparkgan
 * package: every other model-defs package builds on it.
 */
package io.sparkgan.model;
