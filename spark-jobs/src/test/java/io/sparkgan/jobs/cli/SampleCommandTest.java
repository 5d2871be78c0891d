package io.sparkgan.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.data.export.NumpyArray;
import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.TestData;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.train.GanCheckpoints;
import io.sparkgan.model.ImageTensors;
import io.sparkgan.model.nets.ClassConditioning;
import io.sparkgan.model.state.GanCheckpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** {@code sparkgan sample}: a conditional checkpoint's G on latent vectors and classes from numpy files. */
class SampleCommandTest extends LocalSparkTest {

    @TempDir
    static Path dir;

    private static String run;

    @BeforeAll
    static void train() {
        run = dir.resolve("run").toString();
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                data,
                "--run-dir",
                run,
                "--kimg",
                "0.064",
                "--conditional",
                "--evaluate-every",
                "0"));
        args.addAll(TestData.TINY_RUN);
        TestData.CliResult trained = TestData.cli(args.toArray(String[]::new));
        assertEquals(0, trained.exitCode(), trained.err());
    }

    private static Path save(String name, NumpyArray array) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            array.write(out);
        }
        return file;
    }

    @Test
    void imagesAreGsOutputForTheGivenLatentsAndClasses() throws Exception {
        double[] z = new double[3 * 8];
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.sin(i + 1.0);
        }
        Path latents = save("z.npy", NumpyArray.float64(z, 3, 8));
        Path labels = save("labels.npy", NumpyArray.int64(new long[] {0, 9, 4}, 3));
        Path out = dir.resolve("images.npy");
        TestData.CliResult result = sample(latents, labels, out, "--checkpoint", "latest");
        assertEquals(0, result.exitCode(), result.err());
        NumpyArray images;
        try (InputStream in = Files.newInputStream(out)) {
            images = NumpyArray.read(in, out.toString());
        }
        assertArrayEquals(new long[] {3, 28, 28, 1}, images.shape());

        CheckpointStore<GanCheckpoint> checkpoints =
                GanCheckpoints.store(new RunStorage(run, spark.sparkContext().hadoopConfiguration()), 20);
        GanCheckpoint loaded = checkpoints.load(checkpoints.latest().orElseThrow());
        byte[][] expected = ImageTensors.toPixels(loaded.samplingGenerator()
                .output(ClassConditioning.generatorInput(
                        Nd4j.create(z, new long[] {3, 8}, 'c').castTo(DataType.FLOAT),
                        ClassConditioning.oneHot(new int[] {0, 9, 4}, 10, DataType.FLOAT))));
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(expected[i], java.util.Arrays.copyOfRange(images.data(), i * 784, (i + 1) * 784));
        }
    }

    @Test
    void latentsOfTheWrongWidthOrMissingClassesAreRefusedNamingTheFile() throws Exception {
        Path wide = save("wide.npy", NumpyArray.float64(new double[10], 1, 10));
        TestData.CliResult refused = TestData.cli(
                "sample",
                "--run-dir",
                run,
                "--latents",
                wide.toString(),
                "--output",
                dir.resolve("x.npy").toString());
        assertEquals(2, refused.exitCode());
        assertTrue(
                refused.err().contains("wide.npy has shape [1, 10]")
                        && refused.err().contains("needs N x 8"),
                refused.err());
        Path fine = save("fine.npy", NumpyArray.float64(new double[8], 1, 8));
        TestData.CliResult noClasses = TestData.cli(
                "sample",
                "--run-dir",
                run,
                "--latents",
                fine.toString(),
                "--output",
                dir.resolve("y.npy").toString());
        assertEquals(2, noClasses.exitCode());
        assertTrue(noClasses.err().contains("is conditional: --labels"), noClasses.err());
    }

    private static TestData.CliResult sample(Path latents, Path labels, Path output, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "sample",
                "--run-dir",
                run,
                "--latents",
                latents.toString(),
                "--labels",
                labels.toString(),
                "--output",
                output.toString()));
        args.addAll(List.of(more));
        return TestData.cli(args.toArray(String[]::new));
    }

    @Test
    void labelsThatAreNotClassesOfTheRunAreRefusedNamingTheFile() throws Exception {
        Path latents = save("one-latent.npy", NumpyArray.float64(new double[8], 1, 8));
        Path output = dir.resolve("never.npy");
        for (double label : new double[] {3.7, Double.NaN, 10, -1}) {
            Path labels = save("bad-labels.npy", NumpyArray.float64(new double[] {label}, 1));
            TestData.CliResult refused = sample(latents, labels, output);
            assertEquals(2, refused.exitCode(), label + ": " + refused.err());
            assertTrue(
                    refused.err().contains("bad-labels.npy") && refused.err().contains(Double.toString(label)),
                    refused.err());
            assertFalse(Files.exists(output), "written for label " + label);
        }
    }

    @Test
    void aLatentsFileWhoseHeaderClaimsMoreThanItHoldsIsRefusedNamingIt() throws Exception {
        // a 1 x 8 file whose header claims 1,000,000 x 50 float64 values (400 MB)
        byte[] file = Files.readAllBytes(save("lying.npy", NumpyArray.float64(new double[8], 1, 8)));
        String from = "(1, 8), }";
        String to = "(1000000, 50), }";
        String header = new String(file, StandardCharsets.ISO_8859_1)
                .replace(from + " ".repeat(to.length() - from.length()), to);
        Path lying = dir.resolve("lying.npy");
        Files.write(lying, header.getBytes(StandardCharsets.ISO_8859_1));
        Path labels = save("label-1.npy", NumpyArray.int64(new long[] {1}, 1));
        TestData.CliResult refused = sample(lying, labels, dir.resolve("never-either.npy"));
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains(lying.toString()) && refused.err().contains("400000000"), refused.err());
    }

    @Test
    void anExistingOutputIsReplacedOnlyWithOverwrite() throws Exception {
        Path latents = save("keep-z.npy", NumpyArray.float64(new double[8], 1, 8));
        Path labels = save("keep-labels.npy", NumpyArray.int64(new long[] {2}, 1));
        Path output = dir.resolve("earlier.npy");
        Files.writeString(output, "earlier work");
        TestData.CliResult refused = sample(latents, labels, output);
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains(output.toString()) && refused.err().contains("--overwrite"), refused.err());
        assertEquals("earlier work", Files.readString(output));

        TestData.CliResult replaced = sample(latents, labels, output, "--overwrite");
        assertEquals(0, replaced.exitCode(), replaced.err());
        try (InputStream in = Files.newInputStream(output)) {
            assertArrayEquals(
                    new long[] {1, 28, 28, 1},
                    NumpyArray.read(in, output.toString()).shape());
        }
    }
}
