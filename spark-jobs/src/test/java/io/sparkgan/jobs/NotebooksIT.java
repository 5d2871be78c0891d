package io.sparkgan.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.model.Json;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.LocalFileSystem;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebooks in {@code notebooks/} run headless ({@code jupyter nbconvert --execute}, Debian's Python kernel,
 * installed by {@code .ci/run}) against small runs made here: a conditional GAN with evaluations, an anomaly run
 * with scores, a super-resolution run with an evaluated upscale. They run twice: on HDFS (a {@code MiniDFSCluster}
 * holding the dataset, the GAN run trained there by the CLI, and the outputs), the product's main case, and on local
 * copies. Every cell must run without an error and each notebook must show pictures. The executed notebooks are
 * kept in {@code target/notebooks/hdfs} and {@code target/notebooks/local}.
 */
class NotebooksIT {

    private static final Path REPO =
            Path.of(System.getProperty("sparkgan.repo", "..")).toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void everyNotebookRunsAgainstRealRunsOnHdfsAndLocallyAndShowsItsPictures() throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/jupyter").canExecute(), "jupyter is not installed");
        String data = TestData.mnistWithEvaluator();
        String testData = TestData.mnistTest(1000);
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
                // scores.json names the data as given: a file: URI stays local where fs.defaultFS is HDFS
                Path.of(data).toUri().toString(),
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
        List<Path> notebooks;
        try (Stream<Path> files = Files.list(REPO.resolve("notebooks"))) {
            notebooks =
                    files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertEquals(4, notebooks.size(), notebooks.toString());

        TestData.withMiniHdfs(dir.resolve("hdfs"), (uri, conf) -> {
            FileSystem hdfs = FileSystem.get(URI.create(uri), conf);
            LocalFileSystem disk = FileSystem.getLocal(conf);
            // the dataset with its evaluator, the scores and the upscaling on HDFS
            copy(disk, data, hdfs, "/datasets/mnist", conf);
            copy(disk, scores, hdfs, "/outputs/scores", conf);
            copy(disk, upscaled, hdfs, "/outputs/upscaled", conf);
            // the main case: a run trained on HDFS from the dataset there
            cli(
                    TestData.TINY_RUN,
                    "train",
                    "--data",
                    uri + "/datasets/mnist",
                    "--run-dir",
                    uri + "/runs/conditional",
                    "--kimg",
                    "0.384",
                    "--conditional",
                    "--evaluate-every",
                    "1",
                    "--eval-samples",
                    "300",
                    "--seed",
                    "3");
            String run = dir.resolve("run").toString();
            copy(hdfs, "/runs/conditional", disk.getRawFileSystem(), run, conf);

            // URIs without the namenode's address, which only SPARKGAN_CONF gives: every sparkgan call must take it
            Path cache = dir.resolve("cache");
            execute(
                    notebooks,
                    "hdfs",
                    Map.of(
                            "SPARKGAN_CONF", "spark.hadoop.fs.defaultFS=" + uri,
                            "SPARKGAN_CACHE", cache.toString(),
                            "SPARKGAN_DATA", "hdfs:///datasets/mnist",
                            "SPARKGAN_RUN", "hdfs:///runs/conditional",
                            "SPARKGAN_SCORES", "hdfs:///outputs/scores",
                            "SPARKGAN_UPSCALED", "hdfs:///outputs/upscaled"));
            assertTrue(Files.exists(cache.resolve("serve.log")), "the notebooks' calls went to sparkgan serve");
            List<String> mirrored;
            try (Stream<Path> files = Files.walk(cache)) {
                mirrored = files.filter(Files::isRegularFile)
                        .map(f -> cache.relativize(f).toString())
                        .filter(f -> !f.equals("serve.log"))
                        .toList();
            }
            // the run's small files came through fetch into the cache
            assertTrue(
                    mirrored.stream().anyMatch(f -> f.matches("_runs_conditional-[0-9a-f]{8}/run.json")),
                    mirrored.toString());
            assertTrue(
                    mirrored.stream().anyMatch(f -> f.matches("_runs_conditional-[0-9a-f]{8}/samples/\\d+\\.png")),
                    mirrored.toString());
            assertTrue(mirrored.stream().anyMatch(f -> f.endsWith("/_manifest.json")), mirrored.toString());
            assertTrue(
                    mirrored.stream().noneMatch(f -> f.endsWith(".parquet") || f.endsWith(".zip")),
                    "no data, models or checkpoint states copied: " + mirrored);
        });

        execute(
                notebooks,
                "local",
                Map.of(
                        "SPARKGAN_CACHE", dir.resolve("cache-local").toString(),
                        "SPARKGAN_DATA", data,
                        "SPARKGAN_RUN", dir.resolve("run").toString(),
                        "SPARKGAN_SCORES", scores,
                        "SPARKGAN_UPSCALED", upscaled));
    }

    private static void copy(FileSystem from, String source, FileSystem to, String target, Configuration conf)
            throws IOException {
        assertTrue(FileUtil.copy(
                from, new org.apache.hadoop.fs.Path(source), to, new org.apache.hadoop.fs.Path(target), false, conf));
    }

    /** Runs every notebook headless with these settings; each must run without an error and show pictures. */
    private void execute(List<Path> notebooks, String name, Map<String, String> settings) throws Exception {
        Path executed = REPO.resolve("spark-jobs/target/notebooks").resolve(name);
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
        notebooks.forEach(p -> command.add(p.toString()));
        Path log = dir.resolve("nbconvert-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(REPO.resolve("notebooks").toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("SPARKGAN", launcher().toString());
        builder.environment().putAll(settings);
        Process nbconvert = builder.start();
        assertTrue(nbconvert.waitFor(12, TimeUnit.MINUTES), name + ": nbconvert finished");
        assertEquals(0, nbconvert.exitValue(), name + ": " + Files.readString(log));

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
            System.out.println(name + ": " + notebook.getFileName() + ": " + pictures + " pictures");
            assertTrue(pictures >= 3, name + ": " + notebook + " shows " + pictures + " pictures");
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
                        + System.getProperty("java.class.path") + "' io.sparkgan.jobs.cli.SparkGanCli \"$@\"\n");
        assertTrue(script.toFile().setExecutable(true));
        return script;
    }
}
