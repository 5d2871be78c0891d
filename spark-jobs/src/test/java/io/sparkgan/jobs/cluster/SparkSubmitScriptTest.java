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
                "io.sparkgan.jobs.SparkGanCli",
                "--master",
                "spark://h:7077",
                cpu.toString(),
                "train",
                "--data",
                "d");
        List<String> jarOnGpu = List.of(
                "--class",
                "io.sparkgan.jobs.SparkGanCli",
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
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.sparkgan.jobs.SparkGanCli");
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
