/**
 * The run report (report.html): one ReportSection per part, assembled for any job kind. Imports data, charts,
 * run and the jobs whose records it shows (train, eval, anomaly, superres).
 */
package io.sparkgan.jobs.report;
