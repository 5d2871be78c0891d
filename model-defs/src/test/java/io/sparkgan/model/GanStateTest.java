package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.state.GanState;
import io.sparkgan.model.training.GanStep;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GanStateTest {

    /** A DCGAN with batch norm and EMA after one step, so that every segment of the state holds values. */
    private static GanStep trainedStep(long seed) {
        GanModelConfig config = GanModelConfig.dcgan(16, 16, 1);
        config.emaKimg = 1;
        config.seed = seed;
        GanStep step = new GanStep(GanNetworks.generator(config), GanNetworks.discriminator(config), config);
        Nd4j.getRandom().setSeed(seed);
        INDArray real = Nd4j.rand(DataType.FLOAT, 8, 1, 16, 16).muli(2).subi(1);
        step.step(real, Nd4j.randn(DataType.FLOAT, 8, config.latentSize), null, seed, true);
        step.updateAverage(8, 8);
        return step;
    }

    @Test
    void capturedStateWrittenIntoOtherNetworksGivesThemTheSameParametersOptimizerStateAndAverage() {
        GanStep source = trainedStep(1);
        GanStep target = trainedStep(2);
        GanState captured = GanState.capture(source.generator(), source.discriminator(), source.average());
        assertNotEquals(source.generator().params(), target.generator().params());

        GanState.fromBytes(captured.toBytes()).applyTo(target.generator(), target.discriminator(), target.average());

        assertSameState(source.generator(), target.generator());
        assertSameState(source.discriminator(), target.discriminator());
        assertEquals(source.average().values(), target.average().values());
        assertArrayEquals(
                captured.values(),
                GanState.capture(target.generator(), target.discriminator(), target.average())
                        .values());
        // the vector is a copy: changing the networks afterwards leaves it alone
        float first = captured.values()[0];
        source.generator().params().addi(1);
        assertEquals(first, captured.values()[0]);
    }

    @Test
    void aStateRefusesNetworksOfAnotherShape() {
        GanStep step = trainedStep(1);
        GanState state = GanState.capture(step.generator(), step.discriminator(), step.average());
        GanModelConfig other = GanModelConfig.dcgan(32, 32, 1);
        IllegalArgumentException error = assertThrows(
                IllegalArgumentException.class,
                () -> state.applyTo(GanNetworks.generator(other), GanNetworks.discriminator(other)));
        assertTrue(error.getMessage().contains("does not fit"), error.getMessage());
    }

    private static void assertSameState(Network expected, Network actual) {
        assertEquals(expected.params(), actual.params());
        assertEquals(expected.updaterState(), actual.updaterState());
        assertEquals(expected.iterations(), actual.iterations());
    }
}
