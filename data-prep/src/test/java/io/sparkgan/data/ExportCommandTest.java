package io.sparkgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.data.export.ExportCommand;
import io.sparkgan.data.export.NumpyArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sparkgan export}: datasets and tables of numbers to numpy archives, on real Parquet files. */
class ExportCommandTest extends SparkTest {

    @TempDir
    static Path dir;

    private static String dataset;

    @BeforeAll
    static void prep() {
        dataset = dir.resolve("mnist-30").toString();
        PrepRun prep = PrepRun.of(
                "--from",
                "mnist-idx",
                "--input",
                Mnist.FOLDER.toString(),
                "--split",
                "test",
                "--limit",
                "30",
                "--output",
                dataset);
        assertEquals(0, prep.exitCode(), prep.toString());
    }

    private static int export(String... args) {
        return new CommandLine(new ExportCommand()).execute(args);
    }

    private static Map<String, NumpyArray> archive(Path file) throws IOException {
        Map<String, NumpyArray> arrays = new HashMap<>();
        try (InputStream in = Files.newInputStream(file);
                ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                arrays.put(entry.getName().replace(".npy", ""), NumpyArray.read(zip, entry.getName()));
            }
        }
        return arrays;
    }

    @Test
    void aDatasetBecomesImagesLabelsAndIdsInIdOrder() throws IOException {
        Path out = dir.resolve("first-12.npz");
        assertEquals(0, export("--data", dataset, "--output", out.toString(), "--limit", "12"));
        Map<String, NumpyArray> arrays = archive(out);
        assertArrayEquals(new long[] {12, 28, 28, 1}, arrays.get("images").shape());
        Map<Long, Row> rows = Datasets.rowsById(spark, dataset);
        double[] ids = arrays.get("ids").toDoubles();
        double[] labels = arrays.get("labels").toDoubles();
        byte[] images = arrays.get("images").data();
        for (int i = 0; i < 12; i++) {
            assertEquals(i, ids[i]);
            Row row = rows.get((long) i);
            assertEquals(DatasetSchema.label(row), (int) labels[i]);
            byte[] expected = DatasetSchema.image(row).pixels();
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(images, i * 784, (i + 1) * 784));
        }
    }

    @Test
    void onlyTheRowsOfTheIdsAskedForComeInTheOrderAsked() throws IOException {
        Map<Long, Row> rows = Datasets.rowsById(spark, dataset);
        Path listed = dir.resolve("listed.npz");
        assertEquals(0, export("--data", dataset, "--output", listed.toString(), "--ids", "17,3,25,3"));
        Path idsFile = dir.resolve("ids.txt");
        Files.writeString(idsFile, "17\n3, 25\n 3\n");
        Path fromFile = dir.resolve("from-file.npz");
        assertEquals(0, export("--data", dataset, "--output", fromFile.toString(), "--ids", idsFile.toString()));

        for (Path out : List.of(listed, fromFile)) {
            Map<String, NumpyArray> arrays = archive(out);
            assertArrayEquals(new long[] {4, 28, 28, 1}, arrays.get("images").shape());
            assertArrayEquals(new double[] {17, 3, 25, 3}, arrays.get("ids").toDoubles());
            byte[] images = arrays.get("images").data();
            long[] expected = {17, 3, 25, 3};
            for (int i = 0; i < expected.length; i++) {
                Row row = rows.get(expected[i]);
                assertEquals(
                        DatasetSchema.label(row), (int) arrays.get("labels").toDoubles()[i]);
                assertArrayEquals(
                        DatasetSchema.image(row).pixels(),
                        java.util.Arrays.copyOfRange(images, i * 784, (i + 1) * 784));
            }
        }
    }

    @Test
    void idsThatAreMissingOrNotNumbersAreNamedAndNothingIsWritten() throws IOException {
        Path out = dir.resolve("bad-ids.npz");
        Path idsFile = dir.resolve("bad-ids.txt");
        Files.writeString(idsFile, "1, 2, x7");
        Map<List<String>, String> errors = Map.of(
                List.of("--ids", "4,30,31"), "has no row with id 30, 31",
                List.of("--ids", idsFile.toString()), "--ids file " + idsFile + ": 'x7' is not an id",
                List.of("--ids", dir.resolve("no-such-file").toString()), "is neither a list of ids",
                List.of("--ids", "1", "--limit", "3"), "--limit and --ids exclude each other");
        for (Map.Entry<List<String>, String> bad : errors.entrySet()) {
            List<String> args = new java.util.ArrayList<>(List.of("--data", dataset, "--output", out.toString()));
            args.addAll(bad.getKey());
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            java.io.PrintStream stderr = System.err;
            System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                assertEquals(
                        2, export(args.toArray(String[]::new)), bad.getKey().toString());
            } finally {
                System.setErr(stderr);
            }
            assertTrue(err.toString(StandardCharsets.UTF_8).contains(bad.getValue()), err.toString());
            assertFalse(Files.exists(out));
        }
    }

    @Test
    void aTableOfNumbersBecomesOneArrayPerNumericColumn() throws IOException {
        String table = dir.resolve("scores").toString();
        StructType schema = new StructType()
                .add("id", DataTypes.LongType)
                .add("label", DataTypes.IntegerType, true)
                .add("score", DataTypes.DoubleType)
                .add("note", DataTypes.StringType);
        spark.createDataFrame(
                        java.util.List.of(
                                RowFactory.create(2L, null, 0.5, "c"),
                                RowFactory.create(0L, 7, 1.5, "a"),
                                RowFactory.create(1L, 3, -2.0, "b")),
                        schema)
                .write()
                .parquet(table);
        Path out = dir.resolve("scores.npz");
        assertEquals(0, export("--data", table, "--output", out.toString()));
        Map<String, NumpyArray> arrays = archive(out);
        assertEquals(java.util.Set.of("id", "label", "score"), arrays.keySet(), "the text column left out");
        assertArrayEquals(new double[] {0, 1, 2}, arrays.get("id").toDoubles());
        assertArrayEquals(new double[] {7, 3, -1}, arrays.get("label").toDoubles(), "null as -1");
        assertArrayEquals(new double[] {1.5, -2.0, 0.5}, arrays.get("score").toDoubles());

        Path some = dir.resolve("some-scores.npz");
        assertEquals(0, export("--data", table, "--output", some.toString(), "--ids", "2,0"));
        assertArrayEquals(new double[] {0.5, 1.5}, archive(some).get("score").toDoubles());
    }

    @Test
    void helpIsPrintedWithoutTheRequiredOptions() {
        java.io.StringWriter out = new java.io.StringWriter();
        CommandLine export = new CommandLine(new ExportCommand());
        export.setOut(new java.io.PrintWriter(out, true));

        assertEquals(0, export.execute("--help"));
        assertTrue(out.toString().startsWith("Usage: export"), out.toString());
        assertTrue(out.toString().contains("Exit codes: 0 done, 2 bad options or input."), out.toString());
    }

    @Test
    void badOptionsAndAnExistingOutputAreRefusedBeforeAnythingIsWritten() throws IOException {
        Path out = dir.resolve("kept.npz");
        Files.writeString(out, "someone's file");
        assertEquals(2, export("--data", dataset, "--output", out.toString()));
        assertEquals("someone's file", Files.readString(out));
        assertEquals(
                2, export("--data", dataset, "--output", dir.resolve("x.csv").toString()));
        assertEquals(
                2, export("--data", dataset, "--output", dir.resolve("y.npz").toString(), "--limit", "0"));
        assertFalse(Files.exists(dir.resolve("y.npz")));
    }

    @Test
    void aLinkAtTheOldTemporaryNameIsNotWrittenThrough() throws IOException {
        Path victim = dir.resolve("victim.txt");
        Files.writeString(victim, "someone else's file");
        Files.createSymbolicLink(dir.resolve(".linked.npz.tmp"), victim);
        Path out = dir.resolve("linked.npz");
        assertEquals(0, export("--data", dataset, "--output", out.toString(), "--limit", "3"));
        assertEquals("someone else's file", new String(Files.readAllBytes(victim), StandardCharsets.ISO_8859_1));
        assertFalse(Files.isSymbolicLink(out));
        assertArrayEquals(new long[] {3, 28, 28, 1}, archive(out).get("images").shape());
    }

    @Test
    void aFailedExportLeavesNoTemporaryFileBehind() throws IOException {
        // a directory where the file should go: the move into place fails after the archive is written
        Path out = dir.resolve("taken.npz");
        Files.createDirectories(out.resolve("inside"));
        assertEquals(2, export("--data", dataset, "--output", out.toString(), "--limit", "3", "--overwrite"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    List.of(out),
                    files.filter(f -> f.getFileName().toString().contains("taken.npz"))
                            .toList());
        }
        assertTrue(Files.isDirectory(out.resolve("inside")));
    }
}
