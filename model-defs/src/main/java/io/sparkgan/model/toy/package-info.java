/**
 * Toy data with a known answer (a ring of Gaussians whose modes can be counted) for learning tests. Imports
 * nothing of sparkgan.
 */
package io.sparkgan.model.toy;
