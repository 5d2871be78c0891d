package io.sparkgan.jobs.train;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.GanStep;
import io.sparkgan.model.Json;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The executor-side pool reuses networks and does not keep those of configs a rollback left behind. */
class NetworkPoolTest {

    @Test
    void networksOfOldLearningRatesAreNotKept() throws Exception {
        GanModelConfig model = new GanModelConfig();
        model.height = 28;
        model.width = 28;
        model.channels = 1;
        model.baseWidth = 4;
        model.latentSize = 8;
        String first = Json.MAPPER.writeValueAsString(model);
        GanStep step = NetworkPool.borrow(first);
        NetworkPool.release(first, step);
        assertSame(step, NetworkPool.borrow(first), "reused");
        NetworkPool.release(first, step);
        // five rollbacks, each halving the rates
        for (int i = 0; i < 5; i++) {
            model.lrG /= 2;
            model.lrD /= 2;
            String lowered = Json.MAPPER.writeValueAsString(model);
            NetworkPool.release(lowered, NetworkPool.borrow(lowered));
        }
        assertTrue(NetworkPool.models() <= NetworkPool.MODELS, "models kept: " + NetworkPool.models());
    }
}
