/**
 * Workarounds for DL4J 1.0.0-M2.1's slow paths on the CPU: each computes what DL4J computes (the tests hold them to
 * DL4J's results), faster, and says what it replaces. {@link io.sparkgan.model.perf.LinearConvolution2D} and
 * {@link io.sparkgan.model.perf.LinearDeconvolution2D}: convolutions with their own backward passes;
 * {@link io.sparkgan.model.perf.VectorisedLeakyReLU}: LeakyReLU as one native op;
 * {@link io.sparkgan.model.perf.ContiguousBatchNormHelper}: batch statistics in one pass;
 * {@link io.sparkgan.model.perf.OneDnnLayers}: puts the oneDNN helpers back that M2.1 fails to install;
 * {@link io.sparkgan.model.perf.NativeFloats}: bulk copies of ND4J arrays. Their measured effect is in
 * {@code docs/PERFORMANCE.md} ("What it took"), not here, where it would go stale. Networks written before these
 * classes moved here name them in {@code io.sparkgan.model}; {@link io.sparkgan.model.nets.NetworkArchive} upgrades those
 * names on read.
 */
package io.sparkgan.model.perf;
