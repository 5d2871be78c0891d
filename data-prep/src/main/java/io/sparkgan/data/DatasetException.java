package io.sparkgan.data;

/**
 * A dataset, or the input it is prepared from, is unusable. The message is meant for the user: it names the
 * file, record, row or option at fault.
 */
public class DatasetException extends RuntimeException {

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The DatasetException in {@code failure}'s cause chain, or null. Spark wraps an exception thrown in a task in
     * one or more SparkExceptions whose messages are long and generic; the user needs the original one.
     */
    public static DatasetException findIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DatasetException found) {
                return found;
            }
        }
        return null;
    }
}
