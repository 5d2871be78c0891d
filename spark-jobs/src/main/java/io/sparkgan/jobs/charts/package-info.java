/**
 * Charts drawn with JFreeChart for reports and run directories. Imports nothing of sparkgan.
 */
package io.sparkgan.jobs.charts;
