/**
 * The model's configuration (GanModelConfig, with its documented defaults), the adversarial losses, differentiable
 * augmentation, JSON and tensor helpers. Knows nothing of Spark; imports model.superres for SRGAN's settings.
 */
package io.sparkgan.model;
