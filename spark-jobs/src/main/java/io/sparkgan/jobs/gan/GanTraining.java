package io.sparkgan.jobs.gan;

import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.jobs.engine.TrainerSpec;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.spark.RowImages;
import io.sparkgan.jobs.train.ModelTraining;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.nets.ClassConditioning;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.sampling.SampleGrid;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The GAN on the training master ({@link ModelTraining}): its workers run {@link GanTrainer}; the sample grid written
 * with every checkpoint ({@code samples/<step>.png}), and at step 0 before any training, is G's output for the same
 * noise every time, so the grids show one set of samples evolving; a conditional model's grid has one row per
 * class. Real images laid out the same way go beside them once ({@link RunDirectory#REAL_GRID}).
 */
public final class GanTraining implements ModelTraining {

    /** G's input of every sample grid; null for a model without images. */
    private INDArray gridInput;

    private int columns;
    /** {@link RunDirectory#REAL_GRID} as a PNG, to write when the run is claimed; null: none to write. */
    private byte[] realGrid;

    @Override
    public String activity() {
        return "training";
    }

    @Override
    public String smallerModelOptions() {
        return "--base-width";
    }

    @Override
    public String notEvaluatedWhileTraining() {
        return null;
    }

    @Override
    public void prepare(
            SparkSession spark, TrainConfig config, ImageDataset dataset, RunStorage storage, boolean resumed)
            throws IOException {
        GanModelConfig model = config.model;
        if (!model.architecture.convolutional()) {
            return;
        }
        columns = columns(model, config.sampleCount);
        int count = model.conditional ? columns * model.classes : config.sampleCount;
        int[] rowLabels = new int[count];
        for (int i = 0; i < count; i++) {
            rowLabels[i] = i / columns;
        }
        gridInput = ClassConditioning.generatorInput(
                LatentNoise.sample(
                        LatentNoise.derive(config.seed, 0x73616d706c65L), count, model.latentSize, DataType.FLOAT),
                model.conditional ? ClassConditioning.oneHot(rowLabels, model.classes, DataType.FLOAT) : null);
        if (!resumed || !storage.exists(RunDirectory.REAL_GRID)) {
            realGrid = realGrid(dataset, model, config.sampleCount);
        }
    }

    @Override
    public void open(JavaSparkContext jsc, RunStorage storage) throws IOException {
        if (realGrid != null) {
            storage.writeAtomically(RunDirectory.REAL_GRID, realGrid);
        }
    }

    @Override
    public String architectureKey(GanModelConfig architecture) throws IOException {
        return Json.MAPPER.writeValueAsString(architecture);
    }

    @Override
    public TrainerSpec trainer(String architectureKey, double lrG, double lrD, long seed, long imagesPerStep) {
        return new GanTrainerSpec(architectureKey, lrG, lrD, seed, imagesPerStep);
    }

    @Override
    public void writeSamples(RunStorage storage, long step, Network sampler) throws IOException {
        if (gridInput != null) {
            storage.writeAtomically(RunDirectory.sampleGrid(step), SampleGrid.png(sampler.output(gridInput), columns));
        }
    }

    @Override
    public void close() {}

    /** Images per row: a conditional model's grid has a row per class. */
    private static int columns(GanModelConfig model, int sampleCount) {
        return model.conditional ? Math.max(1, sampleCount / model.classes) : (int) Math.ceil(Math.sqrt(sampleCount));
    }

    /**
     * {@link RunDirectory#REAL_GRID} as a PNG: as many real images as a sample grid holds, in its columns; spread over
     * the dataset by id, or for a conditional model the first of each class by id, a row per class (black where a
     * class has too few).
     */
    private static byte[] realGrid(ImageDataset dataset, GanModelConfig model, int sampleCount) {
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
}
