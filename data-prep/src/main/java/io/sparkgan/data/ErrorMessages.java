package io.sparkgan.data;

import java.io.FileNotFoundException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.security.AccessControlException;
import org.apache.spark.SparkException;

/** The one-line error messages of every command (data-prep's and spark-jobs'), without stack traces. */
public final class ErrorMessages {

    private static final Pattern READING_FILE = Pattern.compile("while reading file (\\S+?)\\.?(\\s|$)");

    private ErrorMessages() {}

    /**
     * The one line that names what is wrong with {@code e}: a dataset problem's own message, the innermost message
     * of Spark's wrappers (with the file an executor was reading), a path-only message with its reason.
     */
    public static String of(Exception e) {
        DatasetException known = DatasetException.findIn(e);
        if (known != null) {
            return known.getMessage();
        }
        Throwable source = e;
        String message = e.getMessage();
        // Spark wraps executor-side failures in its own exceptions; the innermost message names the problem
        if (e instanceof SparkException) {
            String file = null;
            for (Throwable cause = e; cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                if (cause.getMessage() != null) {
                    source = cause;
                    message = cause.getMessage();
                    Matcher reading = READING_FILE.matcher(message);
                    if (file == null && reading.find()) {
                        file = reading.group(1);
                    }
                }
            }
            // a codec's error ("FAILED_TO_UNCOMPRESS(5)") says what, Spark's wrapper which file
            if (file != null && !message.contains(file)) {
                return withReason(source, message) + " (reading " + file + ")";
            }
        }
        return message != null ? withReason(source, message) : e.toString();
    }

    /**
     * {@code message} with what went wrong when it is only the path of the file {@code e} is about, as the messages
     * of java.nio's file exceptions and of some of Hadoop's are.
     */
    private static String withReason(Throwable e, String message) {
        String reason;
        if (e instanceof AccessDeniedException || e instanceof AccessControlException) {
            reason = "permission denied";
        } else if (e instanceof NoSuchFileException || e instanceof FileNotFoundException) {
            reason = "no such file or directory";
        } else if (e instanceof java.nio.file.FileAlreadyExistsException
                || e instanceof org.apache.hadoop.fs.FileAlreadyExistsException) {
            reason = "already exists";
        } else if (e instanceof NotDirectoryException) {
            reason = "not a directory";
        } else if (e instanceof DirectoryNotEmptyException) {
            reason = "directory not empty";
        } else {
            return message;
        }
        boolean onlyThePath = e instanceof FileSystemException nio
                ? nio.getReason() == null && nio.getOtherFile() == null
                : message.chars().noneMatch(Character::isWhitespace);
        return onlyThePath ? message + ": " + reason : message;
    }
}
