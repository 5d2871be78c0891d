/**
 * f-AnoGAN: the encoder, its step, the frozen GAN and the anomaly scores. Imports the model root, nets and perf.
 */
package io.sparkgan.model.anomaly;
