/**
 * The networks behind the Network seam (layer stack or graph) for every architecture, their FLOPs and
 * activation memory, and their archive format. Imports the model root and perf.
 */
package io.sparkgan.model.nets;
