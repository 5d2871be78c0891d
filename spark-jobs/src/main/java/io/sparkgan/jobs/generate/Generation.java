package io.sparkgan.jobs.generate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.DatasetWriter;
import io.sparkgan.data.OutputDirectory;
import io.sparkgan.jobs.eval.GeneratedImages;
import io.sparkgan.jobs.eval.SampleBlocks;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.train.GanCheckpoints;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.sampling.ClassLayout;
import io.sparkgan.model.state.GanCheckpoint;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The {@code generate} job: a synthetic dataset from a GAN run's checkpoint, made on the executors. The samples are a
 * function of (seed, sample block) alone ({@link SampleBlocks}), so the same request writes the same dataset
 * whatever the partitioning and a retried task makes the same rows; class counts are exact; the output is committed
 * atomically (Parquet with the provenance in its manifest, or PNG files with a description), and a Parquet output's
 * row count is checked before it is moved into place.
 */
public final class Generation {

    private Generation() {}

    /**
     * What to generate: from {@code checkpoint} (a step, best or latest; null: best when one is marked) of
     * {@code runDir}, G's moving average when {@code ema} is not false and the run has one, {@code count} samples with
     * the class mix {@code classes} (conditional runs; null: uniform), drawn from {@code seed} on {@code partitions}
     * tasks (null: the cluster's task slots), as PNG files or Parquet, keeping the {@code keepFraction} D scores
     * highest.
     */
    public record Request(
            String runDir,
            String checkpoint,
            Boolean ema,
            int count,
            String output,
            String classes,
            long seed,
            Integer partitions,
            boolean png,
            double keepFraction,
            boolean overwrite,
            boolean dropEvaluator) {}

    /** What was written: from which checkpoint, whether from the average, on how many tasks, how fast, class counts. */
    public record Result(long step, boolean averaged, int tasks, double seconds, long[] classCounts) {}

    /** Writes the samples the request asks for; everything that can be refused is checked before anything is generated. */
    public static Result run(SparkSession spark, Request request) throws Exception {
        String runDir = request.runDir();
        String checkpoint = request.checkpoint();
        String output = request.output();
        String classes = request.classes();
        int count = request.count();
        long seed = request.seed();
        double keepFraction = request.keepFraction();
        boolean png = request.png();
        boolean overwrite = request.overwrite();
        boolean dropEvaluator = request.dropEvaluator();
        Integer partitions = request.partitions();
        // everything that can be refused is checked before the checkpoint is loaded or anything generated
        TrainConfig config = TrainConfig.storedGanIn(
                new RunDirectory(runDir, spark.sparkContext().hadoopConfiguration()), "sparkgan generate");
        var hadoop = spark.sparkContext().hadoopConfiguration();
        OutputDirectory pngOutput = png
                ? new OutputDirectory(hadoop, output, overwrite, dropEvaluator, PngExport.MARKER, "sparkgan PNG export")
                : null;
        DatasetWriter writer = png ? null : new DatasetWriter(spark, output, null, overwrite, dropEvaluator);
        CheckpointStore<GanCheckpoint> checkpoints =
                GanCheckpoints.store(new RunStorage(runDir, hadoop), config.keepCheckpoints);
        long step = checkpoints.resolve(checkpoint, runDir);
        GanCheckpoint loaded = checkpoints.load(step);
        GanModelConfig model = loaded.config();
        Network generator = chooseGenerator(loaded, request);
        boolean averaged = generator != loaded.generator();
        ClassMix mix = model.conditional ? ClassMix.parse(classes, model.classes, config.data, hadoop) : null;
        if (!model.conditional && classes != null) {
            throw new IllegalArgumentException("--classes needs a conditional run; " + runDir + " is unconditional");
        }
        if (keepFraction < 1 && model.pack > 1) {
            throw new IllegalArgumentException("--keep-fraction needs a D that judges single samples; the D of "
                    + runDir + " judges packs of " + model.pack + " (--pack)");
        }
        ClassLayout layout = mix == null ? null : ClassLayout.ofShares(mix.shares(), count);
        SampleBlocks samples = SampleBlocks.of(model, count, layout, seed, keepFraction);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int tasks = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
        JavaRDD<Row> rows = GeneratedImages.rows(jsc, samples, generator, loaded.discriminator(), model, tasks);
        Map<String, String> provenance = provenance(request, loaded, step, averaged, mix, layout, tasks);
        String source = "samples of " + runDir + " checkpoint " + step + (averaged ? " (EMA)" : "") + ", seed " + seed;

        long start = System.nanoTime();
        if (png) {
            ObjectNode description = Json.MAPPER.createObjectNode();
            description.put("count", count);
            description.set("labelNames", Json.MAPPER.valueToTree(mix == null ? null : mix.labelNames()));
            description.set("classCounts", Json.MAPPER.valueToTree(layout == null ? null : layout.counts()));
            description.put("source", source);
            description.set("properties", Json.MAPPER.valueToTree(provenance));
            List<String> folders = mix == null ? List.of() : PngExport.folders(mix.labelNames());
            PngExport.write(
                    rows,
                    folders,
                    pngOutput,
                    ContactSheet.png(samples, generator, loaded.discriminator(), model),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(description),
                    new SerializableConfiguration(hadoop));
        } else {
            writer.write(
                    spark.createDataFrame(rows, DatasetSchema.SCHEMA),
                    mix == null ? null : mix.labelNames(),
                    source,
                    provenance,
                    // checked before the dataset is moved into place: a short one never appears complete
                    (directory, manifest) -> {
                        if (manifest.count() != count) {
                            throw new IllegalStateException("wrote " + manifest.count() + " rows, expected " + count);
                        }
                    });
        }
        return new Result(
                step, averaged, tasks, (System.nanoTime() - start) / 1e9, layout == null ? null : layout.counts());
    }

    private static Network chooseGenerator(GanCheckpoint loaded, Request request) {
        if (Boolean.TRUE.equals(request.ema()) && loaded.averagedGenerator() == null) {
            throw new IllegalArgumentException(
                    "--ema: run " + request.runDir() + " was trained without a moving average of G (--ema-kimg 0)");
        }
        return Boolean.FALSE.equals(request.ema()) ? loaded.generator() : loaded.samplingGenerator();
    }

    private static Map<String, String> provenance(
            Request request,
            GanCheckpoint loaded,
            long step,
            boolean averaged,
            ClassMix mix,
            ClassLayout layout,
            int tasks) {
        String runDir = request.runDir();
        long seed = request.seed();
        double keepFraction = request.keepFraction();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("generatedBy", "sparkgan generate");
        p.put("run", runDir);
        p.put("runId", loaded.trainingState().path("runId").asText(""));
        p.put("checkpoint", Long.toString(step));
        p.put("kimg", loaded.trainingState().path("kimg").asText(""));
        p.put("ema", Boolean.toString(averaged));
        p.put("seed", Long.toString(seed));
        p.put("classMix", mix == null ? "unconditional" : mix.spec());
        p.put("classCounts", layout == null ? "" : Arrays.toString(layout.counts()));
        p.put("keepFraction", Double.toString(keepFraction));
        p.put(
                "filter",
                keepFraction < 1
                        ? "discriminator rejection sampling: the " + keepFraction
                                + " of candidates D scores highest, per class and block of " + SampleBlocks.SIZE
                        : "none");
        p.put("partitions", Integer.toString(tasks));
        return p;
    }
}
