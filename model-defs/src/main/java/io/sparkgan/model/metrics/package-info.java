/**
 * One file per metric (FID, KID, precision/recall, density/coverage, modes, PSNR, SSIM, ...): features to
 * statistics to metric, with the evaluator network. Imports only perf.
 */
package io.sparkgan.model.metrics;
