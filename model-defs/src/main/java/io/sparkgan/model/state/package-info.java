/**
 * Training state as one flat float array (parameters and optimizer states), checkpoints and their digests.
 * Imports the model root, nets, perf and training.
 */
package io.sparkgan.model.state;
