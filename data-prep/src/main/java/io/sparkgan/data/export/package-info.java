/**
 * Datasets and Parquet tables written as numpy .npy/.npz archives (export, features). Imports only the data
 * package.
 */
package io.sparkgan.data.export;
