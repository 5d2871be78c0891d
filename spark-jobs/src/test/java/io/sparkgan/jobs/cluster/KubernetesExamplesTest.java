package io.sparkgan.jobs.cluster;

import static io.sparkgan.jobs.cluster.FakeSparkHome.REPO;
import static io.sparkgan.jobs.cluster.FakeSparkHome.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sparkgan.jobs.cluster.FakeSparkHome.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes examples, checked as far as this machine allows (no Kubernetes here): the manifests parse and agree
 * with each other, and the scripts run up to the point where they hand over to spark-submit, which writes its
 * arguments down instead of talking to an API server.
 */
class KubernetesExamplesTest {

    private static final String IMAGE_JAR = "local://" + ContainerImageIT.JAR_IN_IMAGE;
    private static final Path SUBMIT_TRAIN = REPO.resolve("cluster/kubernetes/submit-train.sh");
    private static final Path RBAC = REPO.resolve("cluster/kubernetes/rbac.yaml");
    private static final Path CRONJOB = REPO.resolve("cluster/scheduling/retrain-cronjob.yaml");

    @TempDir
    Path dir;

    @Test
    void submitTrainNamesSparkHomeWhenItIsUnset() throws Exception {
        Run run = FakeSparkHome.run(
                env("SPARK_HOME", null, "K8S_API", "https://k8s:6443", "IMAGE", "r/sparkgan:1"),
                SUBMIT_TRAIN.toString(),
                "--data",
                "d");

        assertEquals(2, run.exitCode(), run.output());
        assertEquals(
                "kubernetes/submit-train.sh: set SPARK_HOME to a Spark 3.5 (Scala 2.12) distribution on this machine\n",
                run.output());
    }

    @Test
    void submitTrainRunsTheImagesJarAsTheServiceAccountOfTheRbacManifest() throws Exception {
        FakeSparkHome spark = FakeSparkHome.in(dir);

        Run run = FakeSparkHome.run(
                env("SPARK_HOME", spark.dir().toString(), "K8S_API", "https://k8s:6443", "IMAGE", "r/sparkgan:1"),
                SUBMIT_TRAIN.toString(),
                "--data",
                "s3a://b/d");

        assertEquals(0, run.exitCode(), run.output());
        List<String> args = spark.submissions().get(0);
        JsonNode account = kind(RBAC, "ServiceAccount");
        assertTrue(
                args.contains("spark.kubernetes.authenticate.driver.serviceAccountName="
                        + account.at("/metadata/name").asText()),
                args.toString());
        assertTrue(
                args.contains("spark.kubernetes.namespace="
                        + account.at("/metadata/namespace").asText()),
                args.toString());
        assertTrue(args.contains("spark.kubernetes.container.image=r/sparkgan:1"), args.toString());
        assertEquals(List.of(IMAGE_JAR, "train", "--data", "s3a://b/d"), args.subList(args.size() - 4, args.size()));
    }

    /** With a jar from this machine, spark-submit uploads it where the driver can fetch it; without a place, no. */
    @Test
    void submitTrainUploadsALocalJarOnlyToAnUploadPath() throws Exception {
        FakeSparkHome spark = FakeSparkHome.in(dir);
        Path jar = Files.writeString(dir.resolve("app.jar"), "a jar");
        Map<String, String> env = env(
                "SPARK_HOME",
                spark.dir().toString(),
                "K8S_API",
                "https://k8s:6443",
                "IMAGE",
                "apache/spark:3.5.8",
                "APP_JAR",
                jar.toString());

        Run nowhere = FakeSparkHome.run(env, SUBMIT_TRAIN.toString(), "--data", "d");
        env.put("UPLOAD_PATH", "s3a://b/uploads");
        Run uploaded = FakeSparkHome.run(env, SUBMIT_TRAIN.toString(), "--data", "d");

        assertEquals(2, nowhere.exitCode(), nowhere.output());
        assertTrue(nowhere.output().contains("set UPLOAD_PATH"), nowhere.output());
        assertEquals(0, uploaded.exitCode(), uploaded.output());
        List<List<String>> submissions = spark.submissions();
        assertEquals(1, submissions.size(), submissions.toString());
        List<String> args = submissions.get(0);
        assertTrue(args.contains("spark.kubernetes.file.upload.path=s3a://b/uploads"), args.toString());
        assertEquals(jar.toString(), args.get(args.size() - 4), args.toString());
    }

    @Test
    void theRbacManifestLetsTheServiceAccountRunSpark() throws Exception {
        JsonNode account = kind(RBAC, "ServiceAccount");
        JsonNode role = kind(RBAC, "Role");
        JsonNode binding = kind(RBAC, "RoleBinding");
        String namespace = account.at("/metadata/namespace").asText();

        assertEquals(namespace, role.at("/metadata/namespace").asText());
        assertEquals(namespace, binding.at("/metadata/namespace").asText());
        assertEquals(
                role.at("/metadata/name").asText(), binding.at("/roleRef/name").asText());
        assertEquals("Role", binding.at("/roleRef/kind").asText());
        JsonNode subject = binding.at("/subjects/0");
        assertEquals("ServiceAccount", subject.get("kind").asText());
        assertEquals(account.at("/metadata/name").asText(), subject.get("name").asText());
        assertEquals(namespace, subject.get("namespace").asText());
        Set<String> granted = new TreeSet<>();
        for (JsonNode rule : role.get("rules")) {
            if (rule.get("apiGroups").toString().equals("[\"\"]")) {
                rule.get("resources")
                        .forEach(resource -> rule.get("verbs")
                                .forEach(verb -> granted.add(resource.asText() + ":" + verb.asText())));
            }
        }
        for (String resource : List.of("pods", "services", "configmaps", "persistentvolumeclaims")) {
            for (String verb : List.of("create", "get", "list", "watch", "delete")) {
                assertTrue(granted.contains(resource + ":" + verb), resource + " " + verb + " not in " + granted);
            }
        }
    }

    /**
     * The CronJob's own script, with a spark-submit that exits 0 as Kubernetes cluster mode does whatever the driver
     * did, and a recorded outcome of 0 (promoted: retrain, then generate) or 99 (kept: no generation, a good night).
     */
    @Test
    void theCronJobSubmitsTheImagesJarInItsNamespaceAsItsServiceAccountAndBranchesOnTheOutcome() throws Exception {
        JsonNode cronJob = kind(CRONJOB, "CronJob");
        JsonNode account = kind(RBAC, "ServiceAccount");
        JsonNode pod = cronJob.at("/spec/jobTemplate/spec/template/spec");
        String serviceAccount = account.at("/metadata/name").asText();
        String namespace = account.at("/metadata/namespace").asText();
        assertEquals(serviceAccount, pod.get("serviceAccountName").asText());
        assertEquals(namespace, cronJob.at("/metadata/namespace").asText());
        JsonNode container = pod.at("/containers/0");
        assertEquals("[\"/bin/bash\",\"-c\"]", container.get("command").toString());
        FakeSparkHome spark = FakeSparkHome.in(dir);

        Run promoted = cronJob(spark, container, "0");

        assertEquals(0, promoted.exitCode(), promoted.output());
        List<List<String>> submissions = spark.submissions();
        assertEquals(3, submissions.size(), submissions.toString());
        for (List<String> args : List.of(submissions.get(0), submissions.get(2))) {
            assertTrue(args.contains(IMAGE_JAR), args.toString());
            assertTrue(
                    args.contains("spark.kubernetes.authenticate.driver.serviceAccountName=" + serviceAccount),
                    args.toString());
            assertTrue(args.contains("spark.kubernetes.namespace=" + namespace), args.toString());
            assertTrue(
                    args.contains("spark.kubernetes.container.image="
                            + container.get("image").asText()),
                    args.toString());
            // the executor settings come on top of the image's spark-defaults.conf, not instead of it
            assertTrue(args.contains("spark.task.cpus=4") && !args.contains("--properties-file"), args.toString());
        }
        List<String> retrain = submissions.get(0);
        assertEquals("retrain", retrain.get(retrain.indexOf(IMAGE_JAR) + 1));
        String name = retrain.get(retrain.indexOf("--name") + 1);
        List<String> outcome = submissions.get(1);
        assertEquals(
                List.of("outcome", "--registry", "s3a://models/mnist", "--expect-name", name),
                outcome.subList(outcome.indexOf("outcome"), outcome.size()));
        assertEquals("generate", submissions.get(2).get(submissions.get(2).indexOf(IMAGE_JAR) + 1));

        Run kept = cronJob(spark, container, "99");
        assertEquals(0, kept.exitCode(), kept.output());
        assertTrue(kept.output().contains("kept the old model"), kept.output());
        assertEquals(5, spark.submissions().size(), "retrain and outcome, no generation");
        Run failed = cronJob(spark, container, "4");
        assertEquals(4, failed.exitCode(), failed.output());
    }

    private static Run cronJob(FakeSparkHome spark, JsonNode container, String outcome) throws Exception {
        return FakeSparkHome.run(
                env(
                        "SPARK_HOME",
                        spark.dir().toString(),
                        "IMAGE",
                        container.at("/env/0/value").asText(),
                        "SPARKGAN_CONF",
                        REPO.resolve("cluster/conf/spark-defaults-cpu.conf").toString(),
                        "FAKE_OUTCOME_EXIT",
                        outcome),
                "/bin/bash",
                "-c",
                container.at("/args/0").asText());
    }

    /** Every YAML file of the cluster kit parses, and the docs name one jar path in the image. */
    @Test
    void manifestsParseAndTheDocsNameOneJarInTheImage() throws Exception {
        List<Path> yamlFiles = filesUnder(REPO.resolve("cluster"), ".yaml");
        assertTrue(yamlFiles.contains(RBAC) && yamlFiles.contains(CRONJOB), yamlFiles.toString());
        for (Path yaml : yamlFiles) {
            assertTrue(!documents(yaml).isEmpty(), yaml + " holds no YAML document");
        }
        Pattern jarInImage = Pattern.compile("/opt/sparkgan/[\\w.-]*\\.jar");
        Set<String> named = new TreeSet<>();
        List<Path> docs = new ArrayList<>(filesUnder(REPO.resolve("cluster"), ""));
        docs.add(REPO.resolve("README.md"));
        for (Path file : docs) {
            Matcher matcher = jarInImage.matcher(Files.readString(file));
            while (matcher.find()) {
                named.add(matcher.group() + " (" + REPO.relativize(file) + ")");
            }
        }
        assertTrue(!named.isEmpty());
        named.forEach(path -> assertTrue(path.startsWith(ContainerImageIT.JAR_IN_IMAGE + " "), named.toString()));
    }

    private static List<Path> filesUnder(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(file ->
                            !file.startsWith(dir.resolve("spark-home")) && !file.startsWith(dir.resolve("target")))
                    .filter(file -> !file.startsWith(dir.resolve(".standalone")))
                    .filter(file -> file.toString().endsWith(suffix))
                    .toList();
        }
    }

    private static List<JsonNode> documents(Path yaml) throws IOException {
        ObjectMapper mapper = new YAMLMapper();
        try (var parser = new YAMLFactory().createParser(yaml.toFile())) {
            return mapper.readValues(parser, JsonNode.class).readAll();
        }
    }

    private static JsonNode kind(Path yaml, String kind) throws IOException {
        List<JsonNode> matching = documents(yaml).stream()
                .filter(document -> kind.equals(document.path("kind").asText()))
                .toList();
        assertEquals(1, matching.size(), yaml + " has " + matching.size() + " " + kind);
        return matching.get(0);
    }
}
