package io.sparkgan.jobs.cluster;

import static io.sparkgan.jobs.cluster.FakeSparkHome.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.jobs.cluster.FakeSparkHome.Run;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster/spark-submit.sh}'s choice of application jar, run for real from a copy of the repository's layout
 * with jars of its own making (their manifests name their ND4J backend, as the app-jar build writes them) and a Spark
 * home whose spark-submit writes its arguments down. The copy has no Maven build, so a missing jar cannot be built.
 */
class SparkSubmitScriptTest {

    @TempDir
    Path dir;

    private Path script;
    private Path target;
    private FakeSparkHome spark;

    @BeforeEach
    void layout() throws IOException {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        script = Files.createDirectories(repo.resolve("cluster")).resolve("spark-submit.sh");
        FakeSparkHome.executable(script, Files.readString(FakeSparkHome.REPO.resolve("cluster/spark-submit.sh")));
        Path confOptions = Path.of("cluster/conf/conf-options.sh");
        Files.createDirectories(repo.resolve(confOptions).getParent());
        Files.copy(FakeSparkHome.REPO.resolve(confOptions), repo.resolve(confOptions));
        target = Files.createDirectories(repo.resolve("spark-jobs/target"));
        spark = FakeSparkHome.in(dir);
    }

    @Test
    void submitsTheJarOfTheBackendAskedFor() throws Exception {
        Path cpu = appJar("spark-jobs-0.1.0-app.jar", "cpu");
        Path gpu = appJar("spark-jobs-0.1.0-app-gpu.jar", "gpu");

        Run onCpu = submit("--master", "spark://h:7077", "--", "train", "--data", "d");
        Run onGpu = submit("--gpu", "--master", "spark://h:7077", "--", "train", "--data", "d");

        assertEquals(0, onCpu.exitCode(), onCpu.output());
        assertEquals(0, onGpu.exitCode(), onGpu.output());
        List<String> jarOnCpu = List.of(
                "--class",
                "io.sparkgan.jobs.cli.SparkGanCli",
                "--master",
                "spark://h:7077",
                cpu.toString(),
                "train",
                "--data",
                "d");
        List<String> jarOnGpu = List.of(
                "--class",
                "io.sparkgan.jobs.cli.SparkGanCli",
                "--master",
                "spark://h:7077",
                gpu.toString(),
                "train",
                "--data",
                "d");
        assertEquals(List.of(jarOnCpu, jarOnGpu), spark.submissions());
    }

    /** A jar from a build before the backends had their own names may hold either; its name does not tell. */
    @Test
    void refusesAJarWhoseManifestNamesAnotherBackendOrNone() throws Exception {
        Path gpuNamedCpu = appJar("spark-jobs-0.1.0-app.jar", "gpu");
        Run mislabelled = submit("--master", "spark://h:7077", "--", "train");
        Files.delete(gpuNamedCpu);
        appJar("spark-jobs-0.1.0-app.jar", null);
        Run older = submit("--master", "spark://h:7077", "--", "train");

        assertEquals(2, mislabelled.exitCode(), mislabelled.output());
        assertTrue(
                mislabelled.output().contains(gpuNamedCpu + " was built for backend 'gpu', not cpu"),
                mislabelled.output());
        assertEquals(2, older.exitCode(), older.output());
        assertTrue(older.output().contains("'unknown, by an older build', not cpu; rebuild it"), older.output());
        assertEquals(List.of(), spark.submissions());
    }

    @Test
    void refusesWhenSeveralJarsOfTheBackendAreThere() throws Exception {
        Path older = appJar("spark-jobs-0.1.0-app-gpu.jar", "gpu");
        Path newer = appJar("spark-jobs-0.2.0-app-gpu.jar", "gpu");

        Run run = submit("--gpu", "--master", "spark://h:7077", "--", "train");

        assertEquals(2, run.exitCode(), run.output());
        assertTrue(
                run.output()
                        .contains("2 gpu application jars, which one is meant is not clear: " + older + " " + newer),
                run.output());
        assertEquals(List.of(), spark.submissions());
    }

    @Test
    void refusesAMissingJarThatCannotBeBuiltHere() throws Exception {
        appJar("spark-jobs-0.1.0-app.jar", "cpu");

        Run run = submit("--gpu", "--master", "spark://h:7077", "--", "train");

        assertEquals(2, run.exitCode(), run.output());
        assertEquals(
                "cluster/spark-submit.sh: no gpu application jar in " + target
                        + ", and no Maven build here to make one: run mvn -Papp-jar -Dgpu -DskipTests package where"
                        + " the sources are\n",
                run.output());
        assertEquals(List.of(), spark.submissions());
    }

    /** --conf-file adds a file's settings as --conf, where --properties-file would drop spark-defaults.conf. */
    @Test
    void aConfFileBecomesConfSettingsThatALaterConfOverrides() throws Exception {
        Path jar = appJar("spark-jobs-0.1.0-app.jar", "cpu");
        Path conf = Files.writeString(
                dir.resolve("app.conf"),
                "# sparkgan's settings\nspark.executor.cores    4\n\nspark.executor.extraJavaOptions  -Da=1 -Db=2\n");

        Run run = submit(
                "--master", "yarn", "--conf-file", conf.toString(), "--conf", "spark.executor.cores=2", "--", "prep");

        assertEquals(0, run.exitCode(), run.output());
        assertEquals(
                List.of(List.of(
                        "--class",
                        "io.sparkgan.jobs.cli.SparkGanCli",
                        "--master",
                        "yarn",
                        "--conf",
                        "spark.executor.cores=4",
                        "--conf",
                        "spark.executor.extraJavaOptions=-Da=1 -Db=2",
                        "--conf",
                        "spark.executor.cores=2",
                        jar.toString(),
                        "prep")),
                spark.submissions());
        Run missing = submit("--conf-file", dir.resolve("nothing.conf").toString(), "--", "prep");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.output().contains("--conf-file " + dir.resolve("nothing.conf") + ": no such file"));
    }

    /**
     * In cluster deploy mode spark-submit's exit code does not carry the driver's: the script names the application,
     * makes standalone's spark-submit wait, then exits with the outcome the driver recorded under that name.
     */
    @Test
    void inClusterDeployModeARetrainExitsWithTheOutcomeItsDriverRecorded() throws Exception {
        Path jar = appJar("spark-jobs-0.1.0-app.jar", "cpu");
        Run kept = FakeSparkHome.run(
                env("SPARK_HOME", spark.dir().toString(), "FAKE_OUTCOME_EXIT", "99"),
                script.toString(),
                "--master",
                "spark://h:7077",
                "--deploy-mode",
                "cluster",
                "--conf",
                "spark.hadoop.fs.s3a.endpoint=http://s3:9000",
                "--",
                "retrain",
                "--registry",
                "s3a://models/mnist",
                "--alias",
                "nightly",
                "--kimg",
                "60");

        assertEquals(99, kept.exitCode(), kept.output());
        List<List<String>> calls = spark.submissions();
        assertEquals(2, calls.size(), calls.toString());
        List<String> submitted = calls.get(0);
        String name = submitted.get(submitted.indexOf("--name") + 1);
        assertTrue(name.matches("sparkgan-retrain-\\d{8}T\\d{6}Z-\\d+"), name);
        assertTrue(submitted.contains("spark.standalone.submit.waitAppCompletion=true"), submitted.toString());
        // a standalone worker starts a cluster-mode driver with spark.driver.extraJavaOptions alone: Java 17's opens
        assertTrue(
                submitted.stream()
                        .anyMatch(arg -> arg.startsWith("spark.driver.extraJavaOptions=")
                                && arg.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED")),
                submitted.toString());
        assertEquals(
                List.of(
                        "--master",
                        "local[1]",
                        "--class",
                        "io.sparkgan.jobs.cli.SparkGanCli",
                        jar.toString(),
                        "outcome",
                        "--registry",
                        "s3a://models/mnist",
                        "--alias",
                        "nightly",
                        "--expect-name",
                        name,
                        "--conf",
                        "spark.hadoop.fs.s3a.endpoint=http://s3:9000"),
                calls.get(1));
        assertTrue(kept.output().contains("application " + name + " ended with exit code 99"), kept.output());

        // a name given is the one checked; client mode needs none of this
        Run named = FakeSparkHome.run(
                env("SPARK_HOME", spark.dir().toString(), "FAKE_OUTCOME_EXIT", "4"),
                script.toString(),
                "--master",
                "yarn",
                "--deploy-mode=cluster",
                "--name",
                "nightly-7",
                "--",
                "train",
                "--run-dir=hdfs:///runs/r1");
        assertEquals(4, named.exitCode(), named.output());
        List<String> outcome = spark.submissions().get(3);
        assertEquals(
                List.of("outcome", "--run-dir=hdfs:///runs/r1", "--expect-name", "nightly-7"),
                outcome.subList(outcome.indexOf("outcome"), outcome.size()));
        assertTrue(
                !spark.submissions().get(2).contains("spark.standalone.submit.waitAppCompletion=true"), "not on YARN");
        Run client = FakeSparkHome.run(
                env("SPARK_HOME", spark.dir().toString(), "FAKE_OUTCOME_EXIT", "4"),
                script.toString(),
                "--master",
                "yarn",
                "--",
                "train");
        assertEquals(0, client.exitCode(), client.output());
        assertEquals(5, spark.submissions().size());
    }

    @Test
    void refusesAnUnsetSparkHomeBeforeAnythingElse() throws Exception {
        Run run = FakeSparkHome.run(env("SPARK_HOME", null), script.toString(), "--gpu", "--", "train");

        assertEquals(2, run.exitCode(), run.output());
        assertEquals(
                "cluster/spark-submit.sh: set SPARK_HOME to a Spark 3.5 (Scala 2.12) distribution"
                        + " (cluster/spark-home for local-standalone.sh)\n",
                run.output());
    }

    private Run submit(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = script.toString();
        System.arraycopy(args, 0, command, 1, args.length);
        return FakeSparkHome.run(env("SPARK_HOME", spark.dir().toString()), command);
    }

    /** A jar with the manifest entry the app-jar build writes (none when backend is null, as before it did). */
    private Path appJar(String name, String backend) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.sparkgan.jobs.cli.SparkGanCli");
        if (backend != null) {
            manifest.getMainAttributes().putValue("Sparkgan-Backend", backend);
        }
        Path jar = target.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream unused = new JarOutputStream(out, manifest)) {
            // the manifest is all the script reads
        }
        return jar;
    }
}
