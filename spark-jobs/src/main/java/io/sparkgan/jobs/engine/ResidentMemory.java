package io.sparkgan.jobs.engine;

import static io.sparkgan.jobs.engine.DriverHeap.gigabytesSetting;
import static io.sparkgan.jobs.engine.DriverHeap.megabytes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a training in local mode fits the resident memory ND4J may push the process to (JavaCPP's {@code
 * maxphysicalbytes}: bin/sparkgan's SPARKGAN_MAX_MEMORY), checked before the data is read, so that a batch too large
 * for the machine is refused at once with the figures and a batch that fits, not after a minute with ND4J's
 * "Physical memory usage is too high" and Spark's stack traces.
 *
 * <p>The process holds the driver heap's live data ({@link DriverHeap#live}) and a quarter of the heap beyond it,
 * which the JVM commits as it collects; about 860 MB for the JVM, Spark, libnd4j and oneDNN; and for each worker
 * stepping at once its step's activations and their gradients ({@code NetworkMemory} in model-defs). Fitted to the
 * smallest limits the SRGAN trained under on 64x64x3 photographs with 1 and 2 workers, 8 to 64 images a step and
 * heaps of 2 and 3 GB (docs/PERFORMANCE.md, "Resident memory of a step").
 */
public final class ResidentMemory {

    /** The JVM, Spark, libnd4j and oneDNN, besides the heap and the steps' activations. */
    static final long BASE_BYTES = 860L << 20;
    /** The share of the heap beyond its live data that is resident. */
    static final double COMMITTED_SLACK = 0.25;
    /** The share of the limit a suggested batch leaves free: measured needs scatter by about 100 MB. */
    static final double SUGGESTION_MARGIN = 0.05;

    private ResidentMemory() {}

    /** The resident memory of a round: the heap, the base, and the concurrent steps. */
    public static long needed(long heapLiveBytes, long maxHeap, long stepBytes, int concurrentWorkers) {
        return heap(heapLiveBytes, maxHeap) + BASE_BYTES + stepBytes * concurrentWorkers;
    }

    private static long heap(long heapLiveBytes, long maxHeap) {
        return heapLiveBytes + (long) (COMMITTED_SLACK * Math.max(0, maxHeap - heapLiveBytes));
    }

    /**
     * Throws an error naming the figures, the limit to raise and a batch that fits (with these workers, and with
     * one), when a round of {@code workers} in local mode, {@code concurrent} of them stepping at once, needs more
     * than {@code limit} (0 = no limit).
     *
     * @param stateBytes the training state (parameters and optimizer states) the driver's heap holds copies of
     * @param maxHeap the driver's heap
     * @param stepBytesPerImage a step's activations per image of the batch
     * @param smallerModel the options that make this model smaller, for the message
     */
    public static void check(
            long stateBytes,
            long maxHeap,
            int workers,
            int concurrent,
            long stepBytesPerImage,
            int batch,
            long limit,
            String smallerModel) {
        long heapLive = DriverHeap.live(stateBytes, workers, true);
        long stepBytes = stepBytesPerImage * batch;
        long needed = needed(heapLive, maxHeap, stepBytes, concurrent);
        if (limit <= 0 || needed <= limit) {
            return;
        }
        List<String> fitting = new ArrayList<>();
        long batchFitting = fittingBatch(heapLive, maxHeap, stepBytesPerImage, concurrent, limit);
        if (batchFitting >= 1) {
            fitting.add(String.format(
                    Locale.ROOT,
                    "--batch-per-worker %d (needs %s)",
                    batchFitting,
                    megabytes(needed(heapLive, maxHeap, stepBytesPerImage * batchFitting, concurrent))));
        }
        long oneWorkerLive = DriverHeap.live(stateBytes, 1, true);
        long oneWorkerBatch = Math.min(batch, fittingBatch(oneWorkerLive, maxHeap, stepBytesPerImage, 1, limit));
        if (workers > 1 && oneWorkerBatch > batchFitting * concurrent) {
            fitting.add(String.format(
                    Locale.ROOT,
                    "--workers 1 --batch-per-worker %d (needs %s)",
                    oneWorkerBatch,
                    megabytes(needed(oneWorkerLive, maxHeap, stepBytesPerImage * oneWorkerBatch, 1))));
        }
        if (fitting.isEmpty()) {
            fitting.add("a smaller model (" + smallerModel + ")");
        }
        throw new IllegalArgumentException(String.format(
                Locale.ROOT,
                "a step of %d image%s on %d worker%s at once needs about %s of resident memory (the driver's heap"
                        + " %s, the JVM and native libraries %s, each worker's activations %s), where ND4J may use"
                        + " %s: raise that limit (bin/sparkgan: SPARKGAN_MAX_MEMORY=%s; spark-submit:"
                        + " -Dorg.bytedeco.javacpp.maxphysicalbytes in the driver's Java options), or train with %s",
                batch,
                batch == 1 ? "" : "s",
                concurrent,
                concurrent == 1 ? "" : "s",
                megabytes(needed),
                megabytes(heap(heapLive, maxHeap)),
                megabytes(BASE_BYTES),
                megabytes(stepBytes),
                megabytes(limit),
                gigabytesSetting(needed),
                String.join(" or ", fitting)));
    }

    /** The largest batch per worker whose round leaves the margin of {@code limit} free; 0 when none does. */
    private static long fittingBatch(long heapLive, long maxHeap, long stepBytesPerImage, int concurrent, long limit) {
        long spare = (long) (limit * (1 - SUGGESTION_MARGIN)) - heap(heapLive, maxHeap) - BASE_BYTES;
        return spare > 0 ? spare / (stepBytesPerImage * concurrent) : 0;
    }
}
