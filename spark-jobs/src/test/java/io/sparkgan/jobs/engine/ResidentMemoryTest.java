package io.sparkgan.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.NetworkMemory;
import org.junit.jupiter.api.Test;

/** The resident-memory estimate of a local training against the limits the SRGAN trained and failed under. */
class ResidentMemoryTest {

    private static final long MB = 1L << 20;
    /** The SRGAN's defaults on 64x64x3 photographs, scale 2: its state, 157 MB. */
    private static final long STATE = 157 * MB;

    private static final long PER_IMAGE = srganStepBytesPerImage();

    private static long srganStepBytesPerImage() {
        GanModelConfig config = GanModelConfig.superResolution(64, 64, 3, 2);
        return NetworkMemory.ganStepActivationBytes(
                        config, GanNetworks.generator(config), GanNetworks.discriminator(config), 8)
                / 8;
    }

    private static void check(int workers, int batch, long heapMb, long limitMb) {
        ResidentMemory.check(STATE, heapMb * MB, workers, workers, PER_IMAGE, batch, limitMb * MB, "x");
    }

    private static void refused(int workers, int batch, long heapMb, long limitMb) {
        assertThrows(IllegalArgumentException.class, () -> check(workers, batch, heapMb, limitMb));
    }

    @Test
    void theLimitsTheSrganTrainedUnderPassAndThoseItFailedUnderAreRefused() {
        // bin/sparkgan train --model srgan --scale 2 on 512 photographs of 64x64x3, SPARKGAN_DRIVER_MEMORY and
        // SPARKGAN_MAX_MEMORY as below: the smallest passing limit lies between a failing and a passing figure
        // (docs/PERFORMANCE.md, "Resident memory of a step")
        check(1, 8, 2048, 3500);
        refused(1, 8, 2048, 3000); // failed: physicalBytes (3000M) > maxPhysicalBytes (3000M)
        check(1, 8, 3072, 3700);
        refused(1, 8, 3072, 3100);
        check(1, 16, 2048, 3500);
        refused(1, 16, 2048, 2800);
        refused(1, 16, 3072, 3500); // the larger heap: failed at physicalBytes (3501M)
        check(1, 32, 2048, 4750);
        refused(1, 32, 2048, 4100);
        check(1, 64, 2048, 7000);
        check(2, 8, 3072, 4200);
        refused(2, 8, 3072, 3600);
    }

    @Test
    void theRefusalNamesTheFiguresTheLimitToSetAndBatchesThatFit() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> check(2, 64, 3072, 3500));
        long live = DriverHeap.live(STATE, 2, true);
        assertEquals(2268 * MB, live);
        long heap = live + (3072 * MB - live) / 4;
        long perWorker = PER_IMAGE * 64;
        assertEquals(
                "a step of 64 images on 2 workers at once needs about "
                        + DriverHeap.megabytes(heap + 860 * MB + 2 * perWorker) + " of resident memory (the driver's"
                        + " heap 2.4 GB, the JVM and native libraries 860 MB, each worker's activations "
                        + DriverHeap.megabytes(perWorker) + "), where ND4J may use 3.4 GB: raise that limit"
                        + " (bin/sparkgan: SPARKGAN_MAX_MEMORY=9g; spark-submit: -Dorg.bytedeco.javacpp.maxphysicalbytes"
                        + " in the driver's Java options), or train with --workers 1 --batch-per-worker 7 (needs"
                        + " 3.2 GB)",
                refused.getMessage());
        // what it suggests trained: SPARKGAN_DRIVER_MEMORY=3g, --workers 1 --batch-per-worker 7 under 3500m
        check(1, 7, 3072, 3500);
    }

    @Test
    void noBatchFitsWhereTheDriverHeapsDataFillsTheLimit() {
        // 300 MB of state: 384 MB + 9 x 300 MB of the heap's data and 860 MB leave nothing of 2.9 GB
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class,
                () -> ResidentMemory.check(300 * MB, 3500 * MB, 1, 1, PER_IMAGE, 8, 2900 * MB, "--base-width"));
        assertEquals(true, refused.getMessage().endsWith("or train with a smaller model (--base-width)"));
    }

    @Test
    void noLimitChecksNothing() {
        ResidentMemory.check(STATE, 1L << 40, 16, 16, PER_IMAGE, 1024, 0, "x");
    }
}
