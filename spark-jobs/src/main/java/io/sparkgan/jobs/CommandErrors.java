package io.sparkgan.jobs;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkException;

/** How commands report a failure: one line naming what is wrong, the stack trace only with --verbose. */
final class CommandErrors {

    static final int FAILED = 2;
    private static final Pattern READING_FILE = Pattern.compile("while reading file (\\S+?)\\.?(\\s|$)");

    private CommandErrors() {}

    /** The one line that names what is wrong with {@code e}. */
    static String message(Exception e) {
        String message = e.getMessage();
        // Spark wraps executor-side failures in its own exceptions; the innermost message names the problem
        if (e instanceof SparkException) {
            String file = null;
            for (Throwable cause = e; cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                if (cause.getMessage() != null) {
                    message = cause.getMessage();
                    Matcher reading = READING_FILE.matcher(message);
                    if (file == null && reading.find()) {
                        file = reading.group(1);
                    }
                }
            }
            // a codec's error ("FAILED_TO_UNCOMPRESS(5)") says what, Spark's wrapper which file
            if (file != null && !message.contains(file)) {
                message = message + " (reading " + file + ")";
            }
        }
        return message != null ? message : e.toString();
    }

    static int report(Exception e, boolean verbose) {
        System.err.println("error: " + message(e));
        if (verbose) {
            e.printStackTrace();
        }
        return FAILED;
    }
}
