package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.MovingStatistics;
import io.sparkgan.model.nets.Network;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

class MovingStatisticsTest {

    /** Marks the spans in the flat vector and reads the marks back through DL4J's table of named parameters. */
    @ParameterizedTest
    @EnumSource(
            value = GanModelConfig.Architecture.class,
            names = {"DCGAN", "DCGAN_RESIDUAL"})
    void theSpansAreExactlyTheBatchNormMovingStatistics(GanModelConfig.Architecture architecture) {
        GanModelConfig config = GanModelConfig.dcgan(28, 28, 1);
        config.architecture = architecture;
        for (Network network : new Network[] {GanNetworks.generator(config), GanNetworks.discriminator(config)}) {
            List<long[]> spans = MovingStatistics.spans(network);
            network.params().assign(0);
            for (long[] span : spans) {
                for (long i = span[0]; i < span[1]; i++) {
                    network.params().putScalar(i, 7);
                }
            }
            long statistics = 0;
            for (Map.Entry<String, INDArray> entry :
                    network.model().paramTable().entrySet()) {
                String key = entry.getKey();
                boolean moving = key.endsWith("_mean") || key.endsWith("_var") || key.endsWith("_log10stdev");
                double expected = moving ? 7 : 0;
                assertEquals(expected, entry.getValue().minNumber().doubleValue(), entry.getKey());
                assertEquals(expected, entry.getValue().maxNumber().doubleValue(), entry.getKey());
                statistics += moving ? entry.getValue().length() : 0;
            }
            assertTrue(statistics > 0, "the network has batch norms");
            assertEquals(statistics, spans.stream().mapToLong(s -> s[1] - s[0]).sum());
        }
    }
}
