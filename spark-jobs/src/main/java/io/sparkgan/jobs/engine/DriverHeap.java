package io.sparkgan.jobs.engine;

import java.util.Locale;

/**
 * Whether the driver's heap can hold a round of a training whose state (parameters and optimizer states, as the
 * engine averages them) takes {@code stateBytes}: checked before the data is read and anything is written, so that a
 * model too large for the driver is refused at once with the figure, not after minutes with an OutOfMemoryError.
 *
 * <p>A round holds the state on the driver heap several times over: the master's copy, the broadcast's serialised
 * bytes and their pieces, and the average; each worker result that reaches the driver adds its float array and its
 * serialised bytes. In local mode every worker runs in the driver's JVM; on a cluster {@code treeAggregate} combines
 * the results on the executors and about the square root of their number reaches the driver. The copies were
 * measured on an SRGAN whose state is 157 MB (docs/PERFORMANCE.md, "Driver heap per round"), and a tenth is added
 * for the collector: 2 workers whose live heap was 2.0 GB ran out of a 2 GB heap.
 */
public final class DriverHeap {

    /** The heap the driver uses besides the state (Spark, DL4J's configurations, the data's blocks' metadata). */
    static final long BASE_BYTES = 384L << 20;
    /** Copies of the state on the driver whatever the number of workers. */
    static final int COPIES = 6;
    /** Copies each worker result adds where it reaches the driver. */
    static final int COPIES_PER_RESULT = 3;

    private DriverHeap() {}

    /** The heap a round holds live on the driver, in bytes. */
    public static long live(long stateBytes, int workers, boolean local) {
        int results = local ? workers : (int) Math.ceil(Math.sqrt(workers));
        return BASE_BYTES + stateBytes * (COPIES + (long) COPIES_PER_RESULT * results);
    }

    /** The heap a round needs on the driver, in bytes: what it holds live and a tenth for the collector. */
    public static long needed(long stateBytes, int workers, boolean local) {
        return live(stateBytes, workers, local) * 11 / 10;
    }

    /**
     * Throws an error naming the figures and what to change when a round needs more than {@code maxHeap}.
     *
     * @param smallerModel the options that make this model smaller, for the message
     */
    public static void check(long stateBytes, int workers, boolean local, long maxHeap, String smallerModel) {
        long needed = needed(stateBytes, workers, local);
        if (needed <= maxHeap) {
            return;
        }
        String fewer = workers > 1 && needed(stateBytes, 1, local) <= maxHeap
                ? "--workers 1 (needs " + megabytes(needed(stateBytes, 1, local)) + "), "
                : "";
        throw new IllegalArgumentException(String.format(
                Locale.ROOT,
                "the model's training state is %s (parameters and optimizer states), and a round of %d worker%s"
                        + " needs about %s of driver heap where this driver has %s: give the driver more heap"
                        + " (bin/sparkgan: SPARKGAN_DRIVER_MEMORY=%s and SPARKGAN_MAX_MEMORY above it; spark-submit:"
                        + " --driver-memory), or train with %sa smaller model (%s)",
                megabytes(stateBytes),
                workers,
                workers == 1 ? "" : "s",
                megabytes(needed),
                megabytes(maxHeap),
                gigabytesSetting(needed),
                fewer,
                smallerModel));
    }

    /** The launcher's setting for at least {@code bytes}: whole gigabytes. */
    static String gigabytesSetting(long bytes) {
        return (long) Math.ceil(bytes / (double) (1L << 30)) + "g";
    }

    static String megabytes(long bytes) {
        return bytes >= (1L << 30)
                ? String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%d MB", bytes >> 20);
    }
}
