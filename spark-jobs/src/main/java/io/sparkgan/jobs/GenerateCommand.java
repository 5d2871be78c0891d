package io.sparkgan.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.DatasetWriter;
import io.sparkgan.data.OutputDirectory;
import io.sparkgan.data.SparkOptions;
import io.sparkgan.data.SparkSessions;
import io.sparkgan.data.progress.SparkJobProgress;
import io.sparkgan.jobs.eval.GeneratedImages;
import io.sparkgan.jobs.eval.SampleBlocks;
import io.sparkgan.jobs.generate.ClassMix;
import io.sparkgan.jobs.generate.ContactSheet;
import io.sparkgan.jobs.generate.PngExport;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.train.GanCheckpoints;
import io.sparkgan.jobs.train.RunDirectory;
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
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sparkgan generate}: a synthetic dataset from a run's checkpoint, made on the executors. The samples are a
 * function of (seed, sample block) alone ({@link SampleBlocks}), so the same command writes the same dataset
 * whatever the partitioning and a retried task makes the same rows; class counts are exact; the output is
 * committed atomically, with its provenance in the manifest.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Generates a synthetic dataset (Parquet with a manifest, or PNG files) from a run's checkpoint.",
            "",
            "Exit codes: 0 done, 2 bad options or input."
        })
public final class GenerateCommand implements Callable<Integer> {

    @Mixin
    SparkOptions sparkOptions;

    @Option(names = "--run-dir", paramLabel = "URI", description = "the run to sample from (or --registry)")
    String runDir;

    @Mixin
    RegistryOptions registryOptions;

    @Option(
            names = "--checkpoint",
            paramLabel = "STEP|best|latest",
            description = "which checkpoint (default: best when one is marked, else latest)")
    String checkpoint;

    @Option(
            names = "--ema",
            negatable = true,
            description = "sample G's moving average (default: when the run has one); --no-ema: the trained G")
    Boolean ema;

    @Option(names = "--count", required = true, paramLabel = "N", description = "samples to write")
    int count;

    @Option(names = "--output", required = true, paramLabel = "URI", description = "directory to write")
    String output;

    @Option(
            names = "--classes",
            paramLabel = "uniform|real|C:SHARE,...",
            description = "class mix of a conditional run: uniform (default), real (the training data's"
                    + " frequencies) or shares per label name or index, e.g. \"0:0.5,3:0.5\"; counts are exact")
    String classes;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the samples (default 0)")
    long seed;

    @Option(
            names = "--partitions",
            paramLabel = "P",
            description =
                    "tasks, and Parquet shards, at most one per 256 samples (default: the cluster's task" + " slots)")
    Integer partitions;

    @Option(names = "--format", paramLabel = "parquet|png", description = "parquet (default) or png")
    String format = "parquet";

    @Option(
            names = "--keep-fraction",
            paramLabel = "F",
            description = "discriminator rejection sampling: draw N/F samples per class and keep the N that D"
                    + " scores highest (default 1 = no filter)")
    double keepFraction = 1;

    @Option(
            names = "--overwrite",
            description = "replace an existing output of the same kind (refused while it holds a trained evaluator,"
                    + " _evaluator/, unless --drop-evaluator)")
    boolean overwrite;

    @Option(
            names = OutputDirectory.DROP_EVALUATOR,
            description = "with --overwrite: delete the old output's trained evaluator with it")
    boolean dropEvaluator;

    @Override
    public Integer call() {
        try {
            if (count < 1) {
                throw new IllegalArgumentException("--count must be >= 1, got " + count);
            }
            if (partitions != null && partitions < 1) {
                throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
            }
            if (!(keepFraction > 0 && keepFraction <= 1)) {
                throw new IllegalArgumentException("--keep-fraction must be in (0, 1], got " + keepFraction);
            }
            if (dropEvaluator && !overwrite) {
                throw new IllegalArgumentException(OutputDirectory.DROP_EVALUATOR + " needs --overwrite");
            }
            boolean png = switch (format) {
                case "parquet" -> false;
                case "png" -> true;
                default -> throw new IllegalArgumentException("--format must be parquet or png, got '" + format + "'");
            };
            SparkSession spark = SparkSessions.getOrCreate("sparkgan generate", sparkOptions);
            RegistryOptions.Model model =
                    registryOptions.resolve(spark.sparkContext().hadoopConfiguration(), runDir, checkpoint);
            runDir = model.runDir();
            checkpoint = model.checkpoint();
            try (SparkJobProgress.Phase phase =
                    SparkJobProgress.phase(spark, String.format("generating %,d images", count))) {
                return generate(spark, png);
            }
        } catch (Exception e) {
            return CommandErrors.report(e, sparkOptions.verbose);
        }
    }

    private int generate(SparkSession spark, boolean png) throws Exception {
        // everything that can be refused is checked before the checkpoint is loaded or anything generated
        TrainConfig config = new RunDirectory(runDir, spark.sparkContext().hadoopConfiguration())
                .storedGanConfig("sparkgan generate");
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
        Network generator = chooseGenerator(loaded);
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
        Map<String, String> provenance = provenance(loaded, step, averaged, mix, layout, tasks);
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
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "wrote %d samples of %s checkpoint %d%s to %s as %s in %.1f s (%.0f images/s on %d tasks)%n",
                count,
                runDir,
                step,
                averaged ? " (EMA)" : "",
                output,
                png ? "PNG" : "Parquet",
                seconds,
                count / seconds,
                tasks);
        if (layout != null) {
            System.out.println("class counts: " + Arrays.toString(layout.counts()));
        }
        return 0;
    }

    private Network chooseGenerator(GanCheckpoint loaded) {
        if (Boolean.TRUE.equals(ema) && loaded.averagedGenerator() == null) {
            throw new IllegalArgumentException(
                    "--ema: run " + runDir + " was trained without a moving average of G" + " (--ema-kimg 0)");
        }
        return Boolean.FALSE.equals(ema) ? loaded.generator() : loaded.samplingGenerator();
    }

    private Map<String, String> provenance(
            GanCheckpoint loaded, long step, boolean averaged, ClassMix mix, ClassLayout layout, int tasks) {
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
