package io.sparkgan.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The demo's defaults: the same steps per worker on any machine, two cores per worker in local mode. */
class DemoCommandTest extends LocalSparkTest {

    @Test
    void localModeGivesEachWorkerTwoCoresAndEachWorkerTheSameSteps() {
        // the shared test session is local[2]: one worker with both cores, PyTorch's 120 kimg in 1875 steps of 64
        assertEquals(1, DemoCommand.defaultWorkers(spark.sparkContext()));
        assertEquals(120.0, DemoCommand.defaultKimg(1, 64), 1e-9);
        assertEquals(360.0, DemoCommand.defaultKimg(3, 64), 1e-9);
    }
}
