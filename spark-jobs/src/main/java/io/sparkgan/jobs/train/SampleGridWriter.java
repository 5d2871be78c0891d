package io.sparkgan.jobs.train;

import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.spark.RowImages;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.ClassConditioning;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.sampling.SampleGrid;
import io.sparkgan.model.superres.BicubicResize;
import io.sparkgan.model.superres.ComparisonRows;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The sample grid written with every checkpoint ({@code samples/<step>.png}), and at step 0 before any training: the
 * same noise every time, so the grids show one set of samples evolving; a conditional model's grid has one row per
 * class. Real images laid out the same way go beside them ({@link RunDirectory#REAL_GRID}). A super-resolution
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
        columns = columns(model, sampleCount);
        int count = model.conditional ? columns * model.classes : sampleCount;
        int[] rowLabels = new int[count];
        for (int i = 0; i < count; i++) {
            rowLabels[i] = i / columns;
        }
        input = ClassConditioning.generatorInput(
                LatentNoise.sample(LatentNoise.derive(seed, 0x73616d706c65L), count, model.latentSize, DataType.FLOAT),
                model.conditional ? ClassConditioning.oneHot(rowLabels, model.classes, DataType.FLOAT) : null);
    }

    /** Images per row: a conditional model's grid has a row per class. */
    private static int columns(GanModelConfig model, int sampleCount) {
        return model.conditional ? Math.max(1, sampleCount / model.classes) : (int) Math.ceil(Math.sqrt(sampleCount));
    }

    /**
     * {@link RunDirectory#REAL_GRID} as a PNG: as many real images as a sample grid holds, in its columns; spread over
     * the dataset by id, or for a conditional model the first of each class by id, a row per class (black where a
     * class has too few).
     */
    static byte[] realGrid(ImageDataset dataset, GanModelConfig model, int sampleCount) {
        int columns = columns(model, sampleCount);
        if (!model.conditional) {
            return SampleGrid.png(RowImages.spreadById(dataset, sampleCount), columns);
        }
        List<Row> rows = dataset.rows()
                .withColumn(
                        "n",
                        functions
                                .row_number()
                                .over(Window.partitionBy(DatasetSchema.LABEL).orderBy(DatasetSchema.ID)))
                .filter(functions
                        .col("n")
                        .leq(columns)
                        .and(functions.col(DatasetSchema.LABEL).lt(model.classes)))
                .select(DatasetSchema.LABEL, "n", DatasetSchema.IMAGE)
                .collectAsList();
        DatasetManifest manifest = dataset.manifest();
        byte[] black = new byte[manifest.height() * manifest.width() * manifest.channels()];
        List<byte[]> images = new ArrayList<>(Collections.nCopies(columns * model.classes, black));
        for (Row row : rows) {
            images.set(row.getInt(0) * columns + row.getInt(1) - 1, row.getAs(2));
        }
        return SampleGrid.png(
                RowImages.batch(images, manifest.height(), manifest.width(), manifest.channels()), columns);
    }

    void write(RunStorage storage, long step, Network sampler) throws IOException {
        INDArray images = sampler.output(input);
        if (originals != null) {
            images = ComparisonRows.enlarged(ComparisonRows.of(input, scale, images, originals));
        }
        storage.writeAtomically("samples/" + CheckpointStore.name(step) + ".png", SampleGrid.png(images, columns));
    }
}
