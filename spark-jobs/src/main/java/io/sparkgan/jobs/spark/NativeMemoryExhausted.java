package io.sparkgan.jobs.spark;

import java.util.concurrent.Callable;

/**
 * ND4J's native memory limit reached in a task, as an ordinary task failure. JavaCPP refuses an allocation past
 * {@code maxphysicalbytes} with an OutOfMemoryError, which DL4J wraps; Spark counts an OutOfMemoryError anywhere in
 * a failure's causes as fatal and exits the executor (in local mode the whole application, exit code 52, with pages
 * of stack traces). The limit is a setting, not a broken JVM: the task fails, and the command names the limit.
 */
public final class NativeMemoryExhausted extends RuntimeException {

    private static final long serialVersionUID = 1L;

    NativeMemoryExhausted(String message) {
        super(message);
    }

    /** {@code work}'s result, with JavaCPP's refusal turned into this exception (carrying its message, not it). */
    public static <T> T guard(Callable<T> work) throws Exception {
        try {
            return work.call();
        } catch (Exception | OutOfMemoryError e) {
            String refusal = javacppRefusal(e);
            if (refusal == null) {
                throw e;
            }
            throw new NativeMemoryExhausted("ND4J's native memory ran out: " + refusal + "; raise that limit"
                    + " (bin/sparkgan: SPARKGAN_MAX_MEMORY; spark-submit: -Dorg.bytedeco.javacpp.maxphysicalbytes in"
                    + " the executors' Java options, and the driver's in local mode) or give each task fewer images");
        }
    }

    /** JavaCPP's message where {@code e} or one of its causes is its refusal, else null. */
    static String javacppRefusal(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof OutOfMemoryError
                    && cause.getMessage() != null
                    && (cause.getMessage().contains("maxPhysicalBytes")
                            || cause.getMessage().contains("maxBytes"))) {
                return cause.getMessage();
            }
        }
        return null;
    }
}
