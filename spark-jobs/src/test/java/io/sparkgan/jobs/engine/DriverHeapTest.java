package io.sparkgan.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The driver-heap estimate of a round and the error that names its figures. */
class DriverHeapTest {

    private static final long MB = 1L << 20;

    @Test
    void localWorkersEachAddTheirCopiesAndOnAClusterAboutTheSquareRootOfThemReachTheDriver() {
        // 150 MB of state: the SRGAN of 64x64x3 photographs with its defaults
        assertEquals(384 * MB + 150 * MB * 9, DriverHeap.live(150 * MB, 1, true));
        assertEquals(384 * MB + 150 * MB * 18, DriverHeap.live(150 * MB, 4, true));
        assertEquals(384 * MB + 150 * MB * 12, DriverHeap.live(150 * MB, 4, false));
        assertEquals(384 * MB + 150 * MB * 18, DriverHeap.live(150 * MB, 16, false));
        assertEquals((384 * MB + 150 * MB * 9) * 11 / 10, DriverHeap.needed(150 * MB, 1, true));
    }

    @Test
    void theSrganThatRanOutOfTwoGigabytesWithTwoWorkersIsRefusedAndOneWorkerThatTrainedIsNot() {
        // measured: state 157 MB, batch 8, -Xmx2g: 1 worker trained (live heap 1.55 GB after a GC), 2 workers
        // failed in their first round with "OutOfMemoryError: Java heap space" (live heap 2.07 GB with a 4 GB heap)
        DriverHeap.check(157 * MB, 1, true, 2048 * MB, "--base-width");
        assertThrows(IllegalArgumentException.class, () -> DriverHeap.check(157 * MB, 2, true, 2048 * MB, "x"));
    }

    @Test
    void theModelsThatRanWithTheLaunchersHeapPassAndTheSrganThatRanOutOfItIsRefused() {
        long launcherHeap = 1536 * MB;
        // measured states: the demo's DCGAN 10 MB with 2 workers, DCGAN_K5 27 MB with 4, the SRGAN with D at
        // --base-width 32 67 MB with 1 (all trained with the launcher's heap)
        DriverHeap.check(10 * MB, 2, true, launcherHeap, "--base-width");
        DriverHeap.check(27 * MB, 4, true, launcherHeap, "--base-width");
        DriverHeap.check(67 * MB, 1, true, launcherHeap, "--base-width");
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class,
                () -> DriverHeap.check(150 * MB, 2, true, launcherHeap, "--base-width for D"));
        assertEquals(
                "the model's training state is 150 MB (parameters and optimizer states), and a round of 2 workers"
                        + " needs about 2.3 GB of driver heap where this driver has 1.5 GB: give the driver more heap"
                        + " (bin/sparkgan: SPARKGAN_DRIVER_MEMORY=3g and SPARKGAN_MAX_MEMORY above it; spark-submit:"
                        + " --driver-memory), or train with a smaller model (--base-width for D)",
                refused.getMessage());
    }

    @Test
    void fewerWorkersAreSuggestedOnlyWhereTheyFit() {
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class, () -> DriverHeap.check(100 * MB, 4, true, 1500 * MB, "--base-width"));
        assertTrue(refused.getMessage().contains("--workers 1 (needs 1.4 GB), a smaller model"), refused.getMessage());
    }
}
