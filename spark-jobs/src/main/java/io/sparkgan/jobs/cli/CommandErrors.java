package io.sparkgan.jobs.cli;

import io.sparkgan.data.ErrorMessages;

/** How commands report a failure: one line naming what is wrong, the stack trace only with --verbose. */
final class CommandErrors {

    static final int FAILED = 2;

    private CommandErrors() {}

    /** The one line that names what is wrong with {@code e} ({@link ErrorMessages#of}). */
    static String message(Exception e) {
        return ErrorMessages.of(e);
    }

    static int report(Exception e, boolean verbose) {
        System.err.println("error: " + message(e));
        if (verbose) {
            e.printStackTrace();
        }
        return FAILED;
    }
}
