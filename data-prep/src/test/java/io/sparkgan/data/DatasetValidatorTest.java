package io.sparkgan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged datasets, made by hand: the validator must find each problem and name where it is. */
class DatasetValidatorTest extends SparkTest {

    @TempDir
    Path dir;

    /** 6 rows of 2x2 gray, labels 0/1 alternating: ids 0..2 in shard-00000.parquet, 3..5 in shard-00001.parquet. */
    private Path dataset;

    @BeforeEach
    void writeGoodDataset() {
        dataset = dir.resolve("good");
        List<Row> rows = new ArrayList<>();
        for (int id = 0; id < 6; id++) {
            rows.add(DatasetSchema.row(id, id % 2, image(id)));
        }
        // two partitions, one shard each
        Dataset<Row> twoPartitions = spark.createDataFrame(
                JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 2), DatasetSchema.SCHEMA);
        new DatasetWriter(spark, dataset.toString(), null, false)
                .write(twoPartitions, List.of("even", "odd"), "test rows", Map.of());
    }

    private static PixelImage image(int seed) {
        return new PixelImage(2, 2, 1, new byte[] {(byte) seed, 1, 2, 3});
    }

    private DatasetManifest manifest() {
        return Datasets.manifest(spark, dataset.toString());
    }

    /** Replaces a shard file with one holding the given rows (in the dataset schema unless given another). */
    private void replaceShard(String shard, Dataset<Row> rows) throws IOException {
        Path written = Files.createTempDirectory(dir, "replacement").resolve("rows");
        rows.coalesce(1).write().parquet(written.toString());
        try (var files = Files.list(written)) {
            Path part = files.filter(f -> f.getFileName().toString().endsWith(".parquet"))
                    .findFirst()
                    .orElseThrow();
            Files.copy(part, dataset.resolve(shard), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.deleteIfExists(dataset.resolve("." + shard + ".crc"));
    }

    private List<String> problems() {
        return DatasetValidator.validate(spark, dataset.toString()).problems();
    }

    @Test
    void passesTheDatasetAsWrittenAndSummarisesIt() {
        ValidationReport report = DatasetValidator.validate(spark, dataset.toString());

        assertEquals(List.of(), report.problems());
        assertTrue(report.summary().contains("shape    2x2x1"), report.summary());
        assertTrue(report.summary().contains("classes  2: even=3 odd=3"), report.summary());
        assertTrue(
                report.summary().contains("shards   2: shard-00000.parquet (3), shard-00001.parquet (3)"),
                report.summary());
    }

    @Test
    void findsACountThatDisagreesWithTheManifest() {
        DatasetManifest m = manifest();
        new DatasetManifest(
                        m.formatVersion(),
                        m.height(),
                        m.width(),
                        m.channels(),
                        7,
                        m.labelNames(),
                        List.of(3L, 4L),
                        m.channelMean(),
                        m.channelStd(),
                        m.shards(),
                        m.source(),
                        m.createdAt(),
                        m.properties())
                .write(dataset.toString(), new Configuration());

        assertEquals(
                List.of(
                        "the manifest says 7 rows, the shards hold 6",
                        "class counts are [3, 3], the manifest says [3, 4]"),
                problems());
    }

    @Test
    void namesTheShardAndIdOfAnImageWithTheWrongLength() throws Exception {
        List<Row> rows = List.of(
                RowFactory.create(10L, 0, 2, 2, 1, new byte[] {1, 2, 3, 4}),
                RowFactory.create(11L, 1, 2, 2, 1, new byte[] {1, 2, 3}));
        replaceShard("shard-00001.parquet", spark.createDataFrame(rows, DatasetSchema.SCHEMA));

        List<String> problems = problems();

        assertTrue(
                problems.contains("shard shard-00001.parquet holds 2 rows, the manifest says 3"), problems::toString);
        assertTrue(
                problems.contains("1 rows break the format; the first: row id 11 in shard-00001.parquet has 3 image"
                        + " bytes; its shape 2x2x1 needs 4"),
                problems::toString);
    }

    @Test
    void namesTheShardAndIdOfALabelOutOfRange() throws Exception {
        List<Row> rows = List.of(
                DatasetSchema.row(20, 0, image(1)),
                DatasetSchema.row(21, 1, image(1)),
                DatasetSchema.row(22, 2, image(1)));
        replaceShard("shard-00000.parquet", spark.createDataFrame(rows, DatasetSchema.SCHEMA));

        assertTrue(
                problems()
                        .contains("1 rows break the format; the first: row id 22 in shard-00000.parquet has label 2;"
                                + " labels must be 0..1"),
                problems()::toString);
    }

    @Test
    void findsDuplicateIdsAndAShapeOtherThanTheManifests() throws Exception {
        PixelImage wide = new PixelImage(2, 3, 1, new byte[6]);
        List<Row> rows = List.of(
                DatasetSchema.row(0, 0, image(0)), DatasetSchema.row(1, 1, image(0)), DatasetSchema.row(2, 0, wide));
        replaceShard("shard-00001.parquet", spark.createDataFrame(rows, DatasetSchema.SCHEMA));

        List<String> problems = problems();

        assertTrue(
                problems.contains("row id 2 in shard-00001.parquet has shape 2x3x1 but the manifest says 2x2x1"),
                problems::toString);
        assertTrue(
                problems.stream()
                        .anyMatch(p -> p.startsWith("ids are not unique: id 0 appears in 2 rows (in"
                                + " shard-00000.parquet, shard-00001.parquet)")),
                problems::toString);
    }

    @Test
    void namesTheFileAndColumnOfAShardWithTheWrongSchema() throws Exception {
        StructType stringLabels = new StructType()
                .add("id", DataTypes.LongType)
                .add("label", DataTypes.StringType)
                .add("height", DataTypes.IntegerType)
                .add("width", DataTypes.IntegerType)
                .add("channels", DataTypes.IntegerType)
                .add("image", DataTypes.BinaryType);
        replaceShard(
                "shard-00001.parquet",
                spark.createDataFrame(List.of(RowFactory.create(9L, "odd", 2, 2, 1, new byte[4])), stringLabels));

        DatasetException wrongType =
                assertThrows(DatasetException.class, () -> DatasetValidator.validate(spark, dataset.toString()));
        assertTrue(
                wrongType
                        .getMessage()
                        .matches("shard .*/good/shard-00001\\.parquet: column 'label' is optional binary"
                                + " label \\(STRING\\), expected int32"),
                wrongType.getMessage());

        replaceShard(
                "shard-00001.parquet",
                spark.createDataFrame(List.of(RowFactory.create(9L)), new StructType().add("id", DataTypes.LongType)));
        DatasetException missing =
                assertThrows(DatasetException.class, () -> DatasetValidator.validate(spark, dataset.toString()));
        assertTrue(
                missing.getMessage().endsWith("/good/shard-00001.parquet has no column 'label'"), missing.getMessage());
    }

    @Test
    void namesWhatIsMissing() throws Exception {
        Files.delete(dataset.resolve("shard-00000.parquet"));
        PrepRun missingShard = PrepRun.of("--validate", dataset.toString());
        assertEquals(2, missingShard.exitCode(), missingShard::toString);
        assertTrue(
                missingShard
                        .err()
                        .contains("dataset " + dataset + " is missing 1 of the 2 shard files its manifest"
                                + " lists: shard-00000.parquet"),
                missingShard::toString);

        Files.delete(dataset.resolve("_manifest.json"));
        PrepRun missingManifest = PrepRun.of("--validate", dataset.toString());
        assertTrue(
                missingManifest.err().contains("no _manifest.json in " + dataset + ": not a sparkgan dataset"),
                missingManifest::toString);

        PrepRun missingDataset = PrepRun.of("--validate", dir.resolve("nothing").toString());
        assertTrue(
                missingDataset.err().contains("dataset " + dir.resolve("nothing") + " does not exist"),
                missingDataset::toString);
    }
}
