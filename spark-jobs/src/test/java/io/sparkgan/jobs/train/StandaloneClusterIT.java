package io.sparkgan.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.StateAssertions;
import io.sparkgan.jobs.TestData;
import io.sparkgan.jobs.cli.SparkGanCli;
import io.sparkgan.jobs.registry.ModelRegistry;
import io.sparkgan.model.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * sparkgan on a real Spark standalone cluster, run the way a user runs it: {@code cluster/local-standalone.sh}
 * starts a master and two workers, each a JVM of its own, from {@code cluster/spark-home} (a Spark distribution's
 * jars from Maven, no sparkgan code), and {@code cluster/spark-submit.sh} submits the application jar to it. Run
 * by failsafe after {@code mvn -Papp-jar package} has built that jar. Stops only the processes it started.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {

    private static final Path REPO =
            Path.of(System.getProperty("sparkgan.repo", "..")).toAbsolutePath();

    /** 2 workers x 8 images, rounds of 2 steps: 0.032 kimg a round. */
    private static final double KIMG_PER_ROUND = 0.032;

    private static final int ROUNDS = 24;

    @TempDir
    static Path dir;

    private static int port;
    private static Path state;
    private static final List<ProcessHandle> STARTED = new ArrayList<>();
    private static String data;
    private static String undisturbedRun;

    @BeforeAll
    static void startCluster() throws Exception {
        data = TestData.mnistWithEvaluator();
        port = freePortRange();
        state = dir.resolve("standalone");
        long start = System.nanoTime();
        assertEquals(0, script("start", "2", "1", "2g"), "local-standalone.sh start");
        for (String name : List.of("master", "worker-1", "worker-2")) {
            long pid = Long.parseLong(
                    Files.readString(state.resolve(name + ".pid")).trim());
            STARTED.add(ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(name + " is not running")));
        }
        while (script("status") != 0) {
            assertTrue(System.nanoTime() - start < TimeUnit.MINUTES.toNanos(2), "the cluster did not come up");
            Thread.sleep(250);
        }
        System.out.printf(
                "standalone cluster (a master and 2 workers) answering after %.1f s%n",
                (System.nanoTime() - start) / 1e9);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (state != null) {
            script("stop");
        }
        for (ProcessHandle process : STARTED) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void trainRunsThroughSparkSubmitWithTheApplicationJar() throws Exception {
        undisturbedRun = dir.resolve("undisturbed").toString();
        Process train = submit("train-undisturbed", train(undisturbedRun));
        assertEquals(0, train.waitFor(), log("train-undisturbed"));
        Path run = Path.of(undisturbedRun);
        assertEquals(
                ROUNDS, Files.readAllLines(run.resolve("metrics/train.jsonl")).size());
        assertTrue(Files.exists(run.resolve("run.json")));
        assertTrue(Files.exists(run.resolve("checkpoints/latest")), "latest checkpoint pointer");
        assertTrue(Files.exists(run.resolve("report.html")));
        // spark-submit --verbose prints what it submits
        String submitted = Files.readString(dir.resolve("train-undisturbed.log"));
        assertTrue(submitted.contains("master                  spark://127.0.0.1:" + port), "to the standalone master");
        assertTrue(submitted.matches("(?s).*primaryResource +file:\\S+-app\\.jar.*"), "the application jar");
        // the cluster's spark-defaults.conf (local-standalone.sh start) was read: the application kept an event log
        try (var events = Files.list(state.resolve("events"))) {
            assertEquals(1, events.count(), "one event log, for the history server");
        }
    }

    @Test
    @Order(2)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void retrainPromotesFirstThenKeepsTheChampionAgainstAWorseCandidate() throws Exception {
        String registry = dir.resolve("registry").toString();
        Process first = submit("retrain-1", retrain(registry, "0.64"));
        assertEquals(0, first.waitFor(), "promoted: " + log("retrain-1"));
        // a candidate with a twentieth of the budget, from scratch: trained fine, evaluated, kept
        Process second = submit("retrain-2", retrain(registry, "0.032", "--from-scratch"));
        assertEquals(99, second.waitFor(), "kept: " + log("retrain-2"));

        ModelRegistry opened = ModelRegistry.open(registry, new Configuration());
        List<JsonNode> history = opened.history();
        assertEquals(2, history.size(), history.toString());
        assertTrue(history.get(0).get("promoted").asBoolean());
        assertFalse(history.get(1).get("promoted").asBoolean());
        assertEquals(1, opened.require("champion").version());
        assertEquals(history.get(0).get("run"), history.get(1).get("champion").get("run"));
        double champion =
                history.get(1).get("champion").get("metrics").get("fid").asDouble();
        double candidate = history.get(1).get("candidate").get("fid").asDouble();
        System.out.printf("retrain on the cluster: champion FID %.1f, worse candidate %.1f%n", champion, candidate);
        assertTrue(candidate > champion, history.get(1).toString());
    }

    @Test
    @Order(3)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void inClusterDeployModeTheSchedulerReadsTheOutcomeThatTheExitCodeCannotCarry() throws Exception {
        String registry = dir.resolve("registry").toString();
        // the driver runs on a worker; Spark's spark-submit exits 0 whatever it returned, the kit's script exits
        // with the code the driver recorded
        Process kept = submit(
                "retrain-cluster",
                retrain(registry, "0.032", "--fid-margin", "1e9"),
                "--deploy-mode",
                "cluster",
                "--name",
                "nightly-3");
        assertEquals(99, kept.waitFor(), log("retrain-cluster"));
        assertTrue(log("retrain-cluster").contains("State of driver"), "the driver ran in the cluster");
        JsonNode outcome = Json.MAPPER.readTree(
                Path.of(registry, "outcomes", "champion.json").toFile());
        assertEquals("kept", outcome.get("outcome").asText(), outcome.toString());
        assertEquals(99, outcome.get("exitCode").asInt());
        assertEquals("nightly-3", outcome.get("name").asText());
        assertEquals("cluster", outcome.get("deployMode").asText());
        // what the script ran after spark-submit, with the exit code the driver would have had in client mode
        assertEquals(99, SparkGanCli.run("outcome", "--registry", registry, "--expect-name", "nightly-3"));
        assertEquals(2, SparkGanCli.run("outcome", "--registry", registry, "--expect-name", "nightly-4"));
        // a kept model is a success to the cluster manager: not FAILED, so --supervise does not retrain again
        JsonNode master = Json.MAPPER.readTree(
                URI.create("http://127.0.0.1:" + (port + 1003) + "/json/").toURL());
        List<String> drivers = new ArrayList<>();
        master.get("completeddrivers")
                .forEach(driver -> drivers.add(driver.get("state").asText()));
        assertEquals(List.of("FINISHED"), drivers, master.toString());
    }

    @Test
    @Order(4)
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void anApplicationWithoutTheClustersSecretIsRefused() throws Exception {
        Path noSecret = Files.createDirectories(dir.resolve("conf-without-secret"));
        Process refused = submit(
                "refused",
                Map.of("SPARK_CONF_DIR", noSecret.toString()),
                List.of("prep", "--validate", data),
                "--conf",
                "spark.executor.memory=1g");
        assertTrue(refused.waitFor(3, TimeUnit.MINUTES), "gave up in time");
        assertEquals(2, refused.exitValue(), log("refused"));
        String master = Files.readString(state.resolve("logs/master.log"));
        assertTrue(master.matches("(?s).*(Authentication|auth|SASL|sasl).*"), "the master says why: " + master);
    }

    @Test
    @Order(5)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aWorkerKilledMidTrainingLeavesTheRunFinishingAsAnUndisturbedOne() throws Exception {
        String disturbedRun = dir.resolve("disturbed").toString();
        Path metrics = Path.of(disturbedRun, "metrics", "train.jsonl");
        Process train = submit("train-disturbed", train(disturbedRun));
        while (!Files.exists(metrics) || Files.readAllLines(metrics).size() < 3) {
            assertTrue(train.isAlive(), "the run ended before the worker was killed: " + log("train-disturbed"));
            Thread.sleep(20);
        }
        // the whole machine lost: the worker and the executor it runs
        ProcessHandle worker = STARTED.get(1);
        worker.descendants().forEach(ProcessHandle::destroyForcibly);
        worker.destroyForcibly();
        int killedAfter = Files.readAllLines(metrics).size();
        assertEquals(0, train.waitFor(), log("train-disturbed"));
        System.out.println("worker " + worker.pid() + " killed after round " + killedAfter + " of " + ROUNDS);
        assertTrue(killedAfter < ROUNDS, "killed mid-run");
        assertEquals(ROUNDS, Files.readAllLines(metrics).size(), "every round once");

        SparkSession local = TestData.localSpark();
        StateAssertions.assertClose(
                TrainingFixtures.latestState(local, undisturbedRun).values(),
                TrainingFixtures.latestState(local, disturbedRun).values(),
                1e-5);
    }

    @Test
    @Order(6)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theHistoryServerShowsTheApplicationsFromTheirEventLogs() throws Exception {
        assertEquals(0, script("history"), "local-standalone.sh history");
        long pid = Long.parseLong(Files.readString(state.resolve("history.pid")).trim());
        STARTED.add(ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("history server not running")));
        URI applications = URI.create("http://127.0.0.1:" + (port + 11003) + "/api/v1/applications");
        JsonNode listed = null;
        while (listed == null || listed.size() == 0) {
            try {
                listed = Json.MAPPER.readTree(applications.toURL());
            } catch (IOException notYet) {
                Thread.sleep(500);
            }
        }
        List<String> names = new ArrayList<>();
        listed.forEach(application -> names.add(application.get("name").asText()));
        assertTrue(names.contains("sparkgan train"), names.toString());
        assertTrue(names.contains("nightly-3"), "the cluster-mode driver's too: " + names);
    }

    private static List<String> train(String runDir) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                data,
                "--run-dir",
                runDir,
                "--kimg",
                Double.toString(ROUNDS * KIMG_PER_ROUND),
                "--evaluate-every",
                "0",
                "--seed",
                "11"));
        args.addAll(TestData.TINY_RUN);
        return args;
    }

    /** A GAN 16 channels wide, large enough for its FID to fall clearly within 20 rounds at 1e-3. */
    private static List<String> retrain(String registry, String kimg, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "retrain",
                "--registry",
                registry,
                "--data",
                data,
                "--kimg",
                kimg,
                "--seed",
                "7",
                "--evaluate-every",
                "0",
                "--eval-samples",
                "500",
                "--lr-g",
                "1e-3",
                "--lr-d",
                "1e-3"));
        args.addAll(TestData.tinyGan(16));
        args.addAll(List.of(extra));
        return args;
    }

    /** {@code cluster/spark-submit.sh} against the standalone master, in the background, logging to a file. */
    private static Process submit(String name, List<String> sparkganArgs, String... submitOptions) throws IOException {
        return submit(name, Map.of(), sparkganArgs, submitOptions);
    }

    private static Process submit(
            String name, Map<String, String> environment, List<String> sparkganArgs, String... submitOptions)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                REPO.resolve("cluster/spark-submit.sh").toString(),
                "--master",
                "spark://127.0.0.1:" + port,
                "--conf",
                "spark.executor.memory=1g",
                "--conf",
                "spark.ui.enabled=false",
                "--verbose"));
        command.addAll(List.of(submitOptions));
        command.add("--");
        command.addAll(sparkganArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().putAll(environment());
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static String log(String name) throws IOException {
        String text = Files.readString(dir.resolve(name + ".log"), StandardCharsets.UTF_8);
        return text.length() > 6000 ? "..." + text.substring(text.length() - 6000) : text;
    }

    private static int script(String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(REPO.resolve("cluster/local-standalone.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putAll(environment());
        return builder.start().waitFor();
    }

    private static Map<String, String> environment() {
        return Map.of(
                "SPARK_MASTER_PORT", Integer.toString(port),
                "SPARKGAN_STANDALONE_DIR", state.toString(),
                "SPARK_HOME", REPO.resolve("cluster/spark-home").toString(),
                // the conf that local-standalone.sh start writes: the cluster's secret and event log
                "SPARK_CONF_DIR", state.resolve("conf").toString());
    }

    /** A master port whose web UI ports (+1003 and the workers' after it) and history server port are free too. */
    private static int freePortRange() throws IOException {
        for (int candidate = 17077; candidate < 30000; candidate += 97) {
            int base = candidate;
            if (IntStream.of(base, base + 1003, base + 1004, base + 1005, base + 11003)
                    .allMatch(StandaloneClusterIT::free)) {
                return base;
            }
        }
        throw new IllegalStateException("no free ports for a standalone master");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
