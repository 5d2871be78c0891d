/**
 * The model registry and gated retraining: versions, aliases, promotion by evaluation. Imports data, eval, gan
 * (the model it retrains), run, train and model-defs.
 */
package io.sparkgan.jobs.registry;
