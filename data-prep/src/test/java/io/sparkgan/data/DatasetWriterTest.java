package io.sparkgan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replacing, refusing and failing: a dataset directory is either the old dataset or the new one, never half. */
class DatasetWriterTest extends SparkTest {

    @TempDir
    Path dir;

    private static PrepRun prepMnist(Path output, int limit, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--from",
                "mnist-idx",
                "--input",
                Mnist.TRAIN_IMAGES.toString(),
                "--output",
                output.toString(),
                "--limit",
                String.valueOf(limit)));
        args.addAll(List.of(extra));
        return PrepRun.of(args.toArray(String[]::new));
    }

    @Test
    void refusesAnExistingDatasetUnlessToldToOverwriteIt() throws Exception {
        Path output = dir.resolve("mnist");
        assertEquals(0, prepMnist(output, 100).exitCode());

        PrepRun refused = prepMnist(output, 50);
        assertEquals(2, refused.exitCode(), refused::toString);
        assertTrue(
                refused.err().contains("output file:" + output + " already exists; pass --overwrite"),
                refused::toString);
        assertEquals(100, Datasets.manifest(spark, output.toString()).count());

        PrepRun replaced = prepMnist(output, 50, "--overwrite", "--shards", "3");
        assertEquals(0, replaced.exitCode(), replaced::toString);
        DatasetManifest manifest = Datasets.manifest(spark, output.toString());
        assertEquals(50, manifest.count());
        assertEquals(
                List.of("_manifest.json", "shard-00000.parquet", "shard-00001.parquet", "shard-00002.parquet"),
                Datasets.names(output).stream()
                        .filter(name -> !name.endsWith(".crc"))
                        .toList());
        assertTrue(DatasetValidator.validate(spark, output.toString()).valid());
        assertEquals(List.of("mnist"), Datasets.names(dir));
    }

    @Test
    void aPrepFailingLateKeepsTheOldDatasetAndLeavesNothingBehind() throws Exception {
        Path output = dir.resolve("digits");
        assertEquals(0, prepMnist(output, 100).exitCode());
        Path input = dir.resolve("raw.parquet");
        // 2x2 gray pixels; row 3's image is one byte short, which only decoding finds
        StructType schema = new StructType().add("image", DataTypes.BinaryType).add("label", DataTypes.IntegerType);
        List<Row> rows = List.of(
                RowFactory.create(new byte[] {1, 2, 3, 4}, 0),
                RowFactory.create(new byte[] {5, 6, 7, 8}, 1),
                RowFactory.create(new byte[] {9, 10, 11, 12}, 0),
                RowFactory.create(new byte[] {13, 14, 15}, 1));
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(input.toString());

        PrepRun replacing = PrepRun.of(
                "--from",
                "parquet",
                "--input",
                input.toString(),
                "--shape",
                "2x2x1",
                "--output",
                output.toString(),
                "--overwrite");
        PrepRun creating = PrepRun.of(
                "--from",
                "parquet",
                "--input",
                input.toString(),
                "--shape",
                "2x2x1",
                "--output",
                dir.resolve("new").toString());

        for (PrepRun run : List.of(replacing, creating)) {
            assertEquals(2, run.exitCode(), run::toString);
            assertTrue(
                    run.err()
                            .matches(
                                    "(?s)error: file:" + input + "/part-[^ ]+\\.parquet row 3 has 3 image bytes but its"
                                            + " shape 2x2x1 needs 4\\s*"),
                    run::toString);
        }
        assertEquals(List.of("digits", "raw.parquet"), Datasets.names(dir));
        assertEquals(100, Datasets.manifest(spark, output.toString()).count());
        assertTrue(DatasetValidator.validate(spark, output.toString()).valid());
    }

    @Test
    void overwriteNeverReplacesADirectoryThatIsNotADataset() throws Exception {
        Path output = Files.createDirectory(dir.resolve("home"));
        Files.writeString(output.resolve("notes.txt"), "keep me");

        PrepRun run = prepMnist(output, 10, "--overwrite");

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("is not a sparkgan dataset (it has no _manifest.json)"), run::toString);
        assertEquals("keep me", Files.readString(output.resolve("notes.txt")));
    }

    @Test
    void overwriteKeepsTheDatasetsTrainedEvaluatorUnlessToldToDropIt() throws Exception {
        Path output = dir.resolve("evaluated");
        assertEquals(0, prepMnist(output, 100).exitCode());
        // what train-evaluator leaves in the dataset: minutes of training, tied to this version of the dataset
        Path evaluator = Files.createDirectory(output.resolve("_evaluator"));
        Files.writeString(evaluator.resolve("evaluator.json"), "{\"datasetCount\": 100}");

        PrepRun refused = prepMnist(output, 50, "--overwrite");
        assertEquals(2, refused.exitCode(), refused::toString);
        assertTrue(
                refused.err()
                        .contains("file:" + evaluator + " holds the trained evaluator of the dataset that"
                                + " --overwrite would replace"),
                refused::toString);
        assertTrue(refused.err().contains("--drop-evaluator"), refused::toString);
        assertEquals("{\"datasetCount\": 100}", Files.readString(evaluator.resolve("evaluator.json")));
        assertEquals(100, Datasets.manifest(spark, output.toString()).count());

        PrepRun replaced = prepMnist(output, 50, "--overwrite", "--drop-evaluator");
        assertEquals(0, replaced.exitCode(), replaced::toString);
        assertEquals(50, Datasets.manifest(spark, output.toString()).count());
        assertTrue(Files.notExists(evaluator), "dropped as asked");
    }

    /** A command's last check (generate's row count, upscale's evaluation) fails: nothing appears complete. */
    @Test
    void aFailingLastCheckLeavesNoDatasetAndKeepsTheOldOne() throws Exception {
        Path output = dir.resolve("checked");
        assertEquals(0, prepMnist(output, 100).exitCode());
        PixelImage pixel = new PixelImage(1, 1, 1, new byte[] {1});
        List<Row> rows = List.of(DatasetSchema.row(0, 0, pixel), DatasetSchema.row(1, 1, pixel));

        for (boolean overwrite : List.of(false, true)) {
            Path target = overwrite ? output : dir.resolve("fresh");
            DatasetWriter writer = new DatasetWriter(spark, target.toString(), 1, overwrite);
            DatasetException error = assertThrows(
                    DatasetException.class,
                    () -> writer.write(
                            spark.createDataFrame(rows, DatasetSchema.SCHEMA),
                            List.of("a", "b"),
                            "test",
                            Map.of(),
                            (directory, manifest) -> {
                                throw new IllegalStateException("wrote " + manifest.count() + " rows, expected 3");
                            }));
            assertTrue(error.getMessage().contains("wrote 2 rows, expected 3"), error.getMessage());
        }
        assertEquals(List.of("checked"), Datasets.names(dir), "no new dataset and no temporary directory");
        assertEquals(100, Datasets.manifest(spark, output.toString()).count());
    }

    @Test
    void rejectsRowsThatBreakTheFormatAndWritesNothing() throws Exception {
        PixelImage small = new PixelImage(1, 1, 1, new byte[] {1});
        PixelImage wide = new PixelImage(1, 2, 1, new byte[] {1, 2});
        Map<String, List<Row>> cases = Map.of(
                "the rows have different shapes: 1x1x1 (first row id 0 in shard-00000.parquet), 1x2x1",
                List.of(DatasetSchema.row(0, 0, small), DatasetSchema.row(1, 0, wide)),
                "ids must be unique, but id 7 appears in 2 rows",
                List.of(DatasetSchema.row(7, 0, small), DatasetSchema.row(7, 1, small)),
                "first: row id 1 in shard-00000.parquet has label 2; labels must be 0..1",
                List.of(DatasetSchema.row(0, 0, small), DatasetSchema.row(1, 2, small)));

        cases.forEach((problem, rows) -> {
            String target = dir.resolve("bad").toString();
            DatasetWriter writer = new DatasetWriter(spark, target, 1, false);
            DatasetException error = assertThrows(
                    DatasetException.class,
                    () -> writer.write(
                            spark.createDataFrame(rows, DatasetSchema.SCHEMA), List.of("a", "b"), "test", Map.of()));
            assertTrue(error.getMessage().contains(problem), error.getMessage());
        });
        assertEquals(List.of(), Datasets.names(dir));
    }
}
