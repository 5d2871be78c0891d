/**
 * The single-machine GAN step, G's objective, EMA of G's weights and the collapse guard. Imports the model
 * root, nets and perf.
 */
package io.sparkgan.model.training;
