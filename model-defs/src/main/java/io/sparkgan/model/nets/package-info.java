/**
 * The networks behind the Network seam (layer stack or graph) for every architecture, their FLOPs and
 * activation memory, and their archive format. Imports the model root, perf, superres and training.
 */
package io.sparkgan.model.nets;
