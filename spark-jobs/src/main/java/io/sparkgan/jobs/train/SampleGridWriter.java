package io.sparkgan.jobs.train;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.ClassConditioning;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.sampling.SampleGrid;
import java.io.IOException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The sample grid written with every checkpoint ({@code samples/<step>.png}): the same noise every time, so the
 * grids show one set of samples evolving; a conditional model's grid has one row per class.
 */
final class SampleGridWriter {

    private final INDArray input;
    private final int columns;

    SampleGridWriter(GanModelConfig model, int sampleCount, long seed) {
        columns =
                model.conditional ? Math.max(1, sampleCount / model.classes) : (int) Math.ceil(Math.sqrt(sampleCount));
        int count = model.conditional ? columns * model.classes : sampleCount;
        int[] rowLabels = new int[count];
        for (int i = 0; i < count; i++) {
            rowLabels[i] = i / columns;
        }
        input = ClassConditioning.generatorInput(
                LatentNoise.sample(LatentNoise.derive(seed, 0x73616d706c65L), count, model.latentSize, DataType.FLOAT),
                model.conditional ? ClassConditioning.oneHot(rowLabels, model.classes, DataType.FLOAT) : null);
    }

    void write(RunStorage storage, long step, Network sampler) throws IOException {
        storage.writeAtomically(
                "samples/" + CheckpointStore.name(step) + ".png", SampleGrid.png(sampler.output(input), columns));
    }
}
