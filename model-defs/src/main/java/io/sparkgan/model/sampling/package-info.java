/**
 * Latent noise, class layouts, sample grids and discriminator rejection: what G is sampled with. Imports the
 * model root and nets.
 */
package io.sparkgan.model.sampling;
