/**
 * The super-resolution GAN's settings, content loss, step and bicubic resizing. Imports the model root, nets
 * and training.
 */
package io.sparkgan.model.superres;
