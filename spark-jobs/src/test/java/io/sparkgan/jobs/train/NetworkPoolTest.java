package io.sparkgan.jobs.train;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.GanStep;
import io.sparkgan.model.Json;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The executor-side pool reuses networks and does not keep those of configs a rollback left behind. */
class NetworkPoolTest {

    @Test
    void networksArePooledByArchitectureAndRatesAreSetOnThem() throws Exception {
        GanModelConfig model = new GanModelConfig();
        model.height = 28;
        model.width = 28;
        model.channels = 1;
        model.baseWidth = 4;
        model.latentSize = 8;
        model.lrG = 1e-3;
        model.lrD = 1e-3;
        String architecture = Json.MAPPER.writeValueAsString(model);
        GanStep step = NetworkPool.borrow(architecture);
        NetworkPool.release(architecture, step);
        // five rollbacks, each halving the rates: the same networks, their updaters told the new rate
        double lr = 2e-4;
        for (int i = 0; i < 5; i++) {
            GanStep borrowed = NetworkPool.borrow(architecture);
            assertSame(step, borrowed, "reused");
            borrowed.setLearningRates(lr, 2 * lr);
            assertEquals(lr, ((Adam) borrowed.generator().getLayer(0).conf().getLayer().getUpdaterByParam("W"))
                    .getLearningRate(), 0);
            assertEquals(2 * lr, ((Adam) borrowed.discriminator().getLayer(0).conf().getLayer()
                    .getUpdaterByParam("W")).getLearningRate(), 0);
            NetworkPool.release(architecture, borrowed);
            lr /= 2;
        }
        // other runs served by the same executor afterwards: only the last two architectures stay
        for (int width = 5; width < 9; width++) {
            model.baseWidth = width;
            String other = Json.MAPPER.writeValueAsString(model);
            NetworkPool.release(other, NetworkPool.borrow(other));
        }
        assertTrue(NetworkPool.models() <= NetworkPool.MODELS, "architectures kept: " + NetworkPool.models());
    }
}
