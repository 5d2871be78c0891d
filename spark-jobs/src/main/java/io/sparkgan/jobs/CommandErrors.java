package io.sparkgan.jobs;

/** How commands report a failure: one line naming what is wrong, the stack trace only with --verbose. */
final class CommandErrors {

    static final int FAILED = 2;

    private CommandErrors() {
    }

    static int report(Exception e, boolean verbose) {
        Throwable cause = e;
        String message = e.getMessage();
        // Spark wraps executor-side failures; the innermost message is the one that names the problem
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
            if (cause.getMessage() != null) {
                message = cause.getMessage();
            }
        }
        System.err.println("error: " + (message != null ? message : e));
        if (verbose) {
            e.printStackTrace();
        }
        return FAILED;
    }
}
