package io.sparkgan.jobs.report;

import java.io.IOException;

/**
 * One part of {@code report.html}: a heading and what follows it. A job that writes something into a run directory
 * adds a section for it to {@link RunReport#SECTIONS} instead of editing the others.
 */
interface ReportSection {

    /** The section's HTML; "" when the run has nothing for it (no evaluations, no scorings, ...). */
    String html(ReportContext context) throws IOException;
}
