/**
 * Image datasets as sharded Parquet with a manifest: prep from every source, reading, validation and the one-line
 * error messages of every command. Imports only its own subpackages; knows nothing of models or training.
 */
package io.sparkgan.data;
