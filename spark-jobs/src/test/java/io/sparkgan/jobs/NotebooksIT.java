package io.sparkgan.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.model.Json;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebooks in {@code notebooks/} run headless ({@code jupyter nbconvert --execute}, Debian's Python kernel,
 * installed by {@code .ci/run}) against small runs made here: a conditional GAN with evaluations, an anomaly run
 * with scores, a super-resolution run with an evaluated upscale. Every cell must run without an error and each
 * notebook must show pictures. The executed notebooks are kept in {@code target/notebooks}.
 */
class NotebooksIT {

    private static final Path REPO =
            Path.of(System.getProperty("sparkgan.repo", "..")).toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void everyNotebookRunsAgainstARealRunAndShowsItsPictures() throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/jupyter").canExecute(), "jupyter is not installed");
        String data = TestData.mnistWithEvaluator();
        String testData = TestData.mnistTest(1000);
        String run = dir.resolve("run").toString();
        cli(
                TestData.TINY_RUN,
                "train",
                "--data",
                data,
                "--run-dir",
                run,
                "--kimg",
                "0.384",
                "--conditional",
                "--evaluate-every",
                "1",
                "--eval-samples",
                "300",
                "--seed",
                "3");
        String anomalyRun = dir.resolve("anomaly-run").toString();
        cli(
                TestData.TINY_RUN,
                "train",
                "--data",
                data,
                "--run-dir",
                anomalyRun,
                "--kimg",
                "0.128",
                "--normal-classes",
                "0,1,2,3,4",
                "--evaluate-every",
                "0");
        String scores = dir.resolve("scores").toString();
        cli(
                List.of(),
                "score",
                "--run-dir",
                anomalyRun,
                "--data",
                data,
                "--output",
                scores,
                "--method",
                "latent",
                "--iterations",
                "2",
                "--limit",
                "200",
                "--normal-classes",
                "0,1,2,3,4");
        String superResolution = dir.resolve("sr-run").toString();
        cli(
                TestData.TINY_ROUNDS,
                "train",
                "--model",
                "srgan",
                "--scale",
                "2",
                "--data",
                data,
                "--run-dir",
                superResolution,
                "--kimg",
                "0.064",
                "--sr-blocks",
                "1",
                "--sr-features",
                "8");
        String upscaled = dir.resolve("upscaled").toString();
        cli(List.of(), "upscale", "--run-dir", superResolution, "--data", testData, "--output", upscaled, "--evaluate");

        Path executed = REPO.resolve("spark-jobs/target/notebooks");
        Files.createDirectories(executed);
        List<String> command = new ArrayList<>(List.of(
                "/usr/bin/jupyter",
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--ExecutePreprocessor.timeout=600",
                "--output-dir",
                executed.toString()));
        List<Path> notebooks;
        try (Stream<Path> files = Files.list(REPO.resolve("notebooks"))) {
            notebooks =
                    files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertEquals(4, notebooks.size(), notebooks.toString());
        notebooks.forEach(p -> command.add(p.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(REPO.resolve("notebooks").toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nbconvert.log").toFile());
        builder.environment().put("SPARKGAN", launcher().toString());
        builder.environment().put("SPARKGAN_DATA", data);
        builder.environment().put("SPARKGAN_RUN", run);
        builder.environment().put("SPARKGAN_SCORES", scores);
        builder.environment().put("SPARKGAN_UPSCALED", upscaled);
        Process nbconvert = builder.start();
        assertTrue(nbconvert.waitFor(12, TimeUnit.MINUTES), "nbconvert finished");
        assertEquals(0, nbconvert.exitValue(), Files.readString(dir.resolve("nbconvert.log")));

        for (Path notebook : notebooks) {
            JsonNode result = Json.MAPPER.readTree(
                    executed.resolve(notebook.getFileName()).toFile());
            int pictures = 0;
            for (JsonNode cell : result.get("cells")) {
                for (JsonNode output : cell.path("outputs")) {
                    assertTrue(!output.path("output_type").asText().equals("error"), notebook + ": " + output);
                    if (output.path("data").has("image/png")) {
                        pictures++;
                    }
                }
            }
            System.out.println(notebook.getFileName() + ": " + pictures + " pictures");
            assertTrue(pictures >= 3, notebook + " shows " + pictures + " pictures");
        }
    }

    private static void cli(List<String> options, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(options);
        TestData.CliResult result = TestData.cli(all.toArray(String[]::new));
        assertEquals(0, result.exitCode(), String.join(" ", args) + ": " + result.err());
    }

    /** The notebooks' sparkgan: this JVM's classpath, with the launcher's JVM options. */
    private Path launcher() throws Exception {
        String options = Files.readString(REPO.resolve("spark-jobs/target/launcher/jvm-options.txt"))
                .trim();
        Path script = dir.resolve("sparkgan");
        Files.writeString(
                script,
                "#!/usr/bin/env bash\nexport SPARK_LOCAL_IP=127.0.0.1 OMP_WAIT_POLICY=PASSIVE\nexec "
                        + Path.of(System.getProperty("java.home"), "bin", "java") + " -Xmx1g " + options
                        + " -Dlog4j2.configurationFile=" + REPO.resolve("conf/log4j2.xml") + " -cp '"
                        + System.getProperty("java.class.path") + "' io.sparkgan.jobs.SparkGanCli \"$@\"\n");
        assertTrue(script.toFile().setExecutable(true));
        return script;
    }
}
