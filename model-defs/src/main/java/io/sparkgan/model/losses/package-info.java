/**
 * The adversarial losses D's output layer trains with (non-saturating on logits, hinge), as DL4J loss functions, and
 * the choice among them. Imports no sparkgan package; networks written before the losses moved here name them by
 * their old class names, which {@code nets.NetworkArchive} upgrades on read.
 */
package io.sparkgan.model.losses;
