package io.sparkgan.jobs;

import org.apache.spark.SparkException;

/** How commands report a failure: one line naming what is wrong, the stack trace only with --verbose. */
final class CommandErrors {

    static final int FAILED = 2;

    private CommandErrors() {
    }

    static int report(Exception e, boolean verbose) {
        String message = e.getMessage();
        // Spark wraps executor-side failures in its own exceptions; the innermost message names the problem
        if (e instanceof SparkException) {
            for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                if (cause.getMessage() != null) {
                    message = cause.getMessage();
                }
            }
        }
        System.err.println("error: " + (message != null ? message : e));
        if (verbose) {
            e.printStackTrace();
        }
        return FAILED;
    }
}
