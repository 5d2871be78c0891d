/**
 * One progress line per long operation (done/total, rate, ETA) for every command. Imports nothing of sparkgan.
 */
package io.sparkgan.data.progress;
