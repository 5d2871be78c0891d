package io.sparkgan.jobs.train;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.ClassConditioning;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.sampling.SampleGrid;
import io.sparkgan.model.superres.BicubicResize;
import io.sparkgan.model.superres.ComparisonRows;
import java.io.IOException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The sample grid written with every checkpoint ({@code samples/<step>.png}): the same noise every time, so the
 * grids show one set of samples evolving; a conditional model's grid has one row per class. A super-resolution
 * model's grid upscales the same images every time, in rows: the low-resolution input (enlarged by repeating
 * pixels), bicubic upscaling, G's upscaling, the original.
 */
final class SampleGridWriter {

    private final INDArray input;
    private final int columns;
    /** Super-resolution only: the originals and the scale. */
    private final INDArray originals;

    private final int scale;

    private SampleGridWriter(INDArray originals, int scale) {
        this.originals = originals;
        this.scale = scale;
        this.columns = (int) originals.size(0);
        this.input = BicubicResize.downscale(originals, scale);
    }

    static SampleGridWriter superResolution(GanModelConfig model, INDArray originals) {
        return new SampleGridWriter(originals, model.superResolution.scale);
    }

    SampleGridWriter(GanModelConfig model, int sampleCount, long seed) {
        originals = null;
        scale = 1;
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
        INDArray images = sampler.output(input);
        if (originals != null) {
            images = ComparisonRows.enlarged(ComparisonRows.of(input, scale, images, originals));
        }
        storage.writeAtomically("samples/" + CheckpointStore.name(step) + ".png", SampleGrid.png(images, columns));
    }
}
