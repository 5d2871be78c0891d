package io.sparkgan.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.data.export.NumpyArray;
import io.sparkgan.jobs.TestData;
import io.sparkgan.model.metrics.EvaluatorNetwork;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sparkgan features}: the evaluator's features of a whole dataset and of given images, on real files. */
class FeaturesCommandTest {

    @TempDir
    Path dir;

    @Test
    void givenImagesHaveTheFeaturesTheirDatasetRowsHave() throws IOException {
        String data = TestData.mnistWithEvaluator();
        Path some = dir.resolve("some.npz");
        long[] chosen = {4095, 7, 1000};
        TestData.CliResult export =
                TestData.cli("export", "--data", data, "--output", some.toString(), "--ids", "4095,7,1000");
        assertEquals(0, export.exitCode(), export.err());
        Path images = dir.resolve("images.npy");
        try (OutputStream out = Files.newOutputStream(images)) {
            archive(some).get("images").write(out);
        }

        Path out = dir.resolve("features.npz");
        TestData.CliResult run =
                TestData.cli("features", "--data", data, "--images", images.toString(), "--output", out.toString());

        assertEquals(0, run.exitCode(), run.err());
        Map<String, NumpyArray> arrays = archive(out);
        double[] ids = arrays.get("ids").toDoubles();
        assertEquals(TestData.EVALUATED, ids.length);
        for (int i = 0; i < ids.length; i++) {
            assertEquals(i, ids[i], "ids in order");
        }
        assertArrayEquals(
                new long[] {TestData.EVALUATED, EvaluatorNetwork.FEATURES},
                arrays.get("features").shape());
        assertArrayEquals(
                new long[] {3, EvaluatorNetwork.FEATURES},
                arrays.get("imageFeatures").shape());
        double[] all = arrays.get("features").toDoubles();
        double[] given = arrays.get("imageFeatures").toDoubles();
        int f = EvaluatorNetwork.FEATURES;
        double norm = 0;
        for (int i = 0; i < chosen.length; i++) {
            double[] row = Arrays.copyOfRange(all, (int) chosen[i] * f, (int) (chosen[i] + 1) * f);
            double[] image = Arrays.copyOfRange(given, i * f, (i + 1) * f);
            assertArrayEquals(row, image, 1e-4, "image " + i + " is row " + chosen[i]);
            norm += Arrays.stream(row).map(Math::abs).sum();
        }
        assertTrue(norm > 0, "features are not all zero");

        // the notebooks keep the dataset's features and ask for the images' alone
        Path only = dir.resolve("only.npz");
        TestData.CliResult imagesOnly = TestData.cli(
                "features",
                "--data",
                data,
                "--images",
                images.toString(),
                "--images-only",
                "--output",
                only.toString());
        assertEquals(0, imagesOnly.exitCode(), imagesOnly.err());
        assertEquals("features of 3 images of " + images + " written to " + only + "\n", imagesOnly.out());
        Map<String, NumpyArray> alone = archive(only);
        assertEquals(java.util.Set.of("imageFeatures"), alone.keySet());
        assertArrayEquals(given, alone.get("imageFeatures").toDoubles(), 0.0);
        assertEquals(
                "error: --images-only needs --images\n",
                TestData.cli("features", "--data", data, "--images-only", "--output", only + "x.npz")
                        .err());
    }

    @Test
    void imagesOfAnotherShapeOrADatasetWithoutEvaluatorAreNamedBeforeAnythingIsComputed() throws IOException {
        String data = TestData.mnistWithEvaluator();
        Path wrong = dir.resolve("wrong.npy");
        try (OutputStream out = Files.newOutputStream(wrong)) {
            NumpyArray.uint8(new byte[2 * 14 * 14], 2, 14, 14, 1).write(out);
        }
        Path out = dir.resolve("f.npz");
        TestData.CliResult shape =
                TestData.cli("features", "--data", data, "--images", wrong.toString(), "--output", out.toString());
        assertEquals(2, shape.exitCode());
        assertTrue(shape.err().contains("--images " + wrong + " are [2, 14, 14, 1]"), shape.err());

        String plain = TestData.mnist(64);
        TestData.CliResult none = TestData.cli("features", "--data", plain, "--output", out.toString());
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("no evaluator in " + plain + "/_evaluator"), none.err());
        assertFalse(Files.exists(out));
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
}
