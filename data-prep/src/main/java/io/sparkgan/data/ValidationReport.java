package io.sparkgan.data;

import java.util.List;

/**
 * What {@link DatasetValidator#validate} found.
 *
 * @param problems one sentence each, empty when the dataset is valid
 */
public record ValidationReport(String uri, DatasetManifest manifest, List<String> problems) {

    public boolean valid() {
        return problems.isEmpty();
    }

    /** The manifest's summary and the verdict, for printing. */
    public String summary() {
        StringBuilder out = new StringBuilder(manifest.describe(uri));
        if (valid()) {
            out.append("status   valid\n");
        } else {
            out.append("status   ").append(problems.size()).append(problems.size() == 1 ? " problem\n" : " problems\n");
            problems.forEach(problem -> out.append("  - ").append(problem).append('\n'));
        }
        return out.toString();
    }

    /** Throws a {@link DatasetException} listing the problems, if there are any. */
    public void requireValid() {
        if (!valid()) {
            throw new DatasetException("dataset " + uri + " is not valid: " + String.join("; ", problems));
        }
    }
}
