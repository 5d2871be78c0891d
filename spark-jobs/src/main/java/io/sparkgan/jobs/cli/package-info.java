/**
 * The command line: one picocli command per job, parsing options and reporting errors and exit codes, and the
 * outcome record of cluster runs. The top layer: may import every jobs package, data-prep and model-defs.
 */
package io.sparkgan.jobs.cli;
