/**
 * Differentiable augmentation (DiffAugment) of every image D sees, real and generated, with its policies. Imports no
 * sparkgan package; the GAN step applies it.
 */
package io.sparkgan.model.augment;
