package io.sparkgan.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchNormRecalibrationTest {

    /**
     * Two copies of G trained apart (as two workers are between averagings), then averaged: the averaged G's running
     * statistics are the mean of the copies' and do not describe its own activations, so its inference-mode samples
     * differ from what its training-mode forward pass makes. After recalibration they agree.
     */
    @Test
    void anAveragedGeneratorSamplesInInferenceModeWhatItMakesInTrainingMode() {
        GanModelConfig config = GanStepTest.smallDcgan();
        MultiLayerNetwork[] copies = new MultiLayerNetwork[2];
        for (int c = 0; c < 2; c++) {
            GanStep step = new GanStep(GanNetworks.generator(config), GanNetworks.discriminator(config), config);
            for (int i = 0; i < 6; i++) {
                step.step(GanStepTest.realBatch(100 * c + i, 16, config),
                        LatentNoise.sample(1000 * c + i, 16, config.latentSize, DataType.FLOAT));
            }
            copies[c] = step.generator();
        }
        MultiLayerNetwork averaged = GanNetworks.generator(config);
        averaged.params().assign(copies[0].params().add(copies[1].params()).divi(2));
        INDArray z = LatentNoise.sample(7, 512, config.latentSize, DataType.FLOAT);

        double before = maxDifference(averaged.output(z, false), averaged.output(z, true));
        BatchNormRecalibration.recalibrate(averaged, z);
        double after = maxDifference(averaged.output(z, false), averaged.output(z, true));

        System.out.println("inference vs training mode, max difference: before " + before + ", after " + after);
        assertTrue(before > 0.05, "inference and training mode should differ before recalibration: " + before);
        assertTrue(after < 1e-4, "after recalibration they differ by " + after);
    }

    @Test
    void onlyNetworksWithBatchNormAreRecalibrated() {
        GanModelConfig dcgan = GanStepTest.smallDcgan();
        assertTrue(BatchNormRecalibration.applies(GanNetworks.generator(dcgan)));
        dcgan.batchNorm = false;
        assertFalse(BatchNormRecalibration.applies(GanNetworks.generator(dcgan)));
        assertFalse(BatchNormRecalibration.applies(GanNetworks.generator(GanModelConfig.mlp(2, 4))));
    }

    private static double maxDifference(INDArray a, INDArray b) {
        return Transforms.abs(a.sub(b)).maxNumber().doubleValue();
    }
}
